package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpolationTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @TempDir Path dir;

  private static ConfigParser parser(Map<String, String> variables) {
    return new ConfigParser(Environment.of(variables));
  }

  /** A one-bucket document whose s3 mapping ends with {@code s3Line}. */
  private static String bucket(String s3Line) {
    return """
        buckets:
          - name: assets
            pathPrefix: /assets
            s3:
              bucket: my-assets
              region: eu-west-1
              %s
            auth: {type: public}
        """
        .formatted(s3Line);
  }

  private static S3Target s3(ConfigParser parser, String s3Line) throws ConfigException {
    return parser.parseYaml(bucket(s3Line)).buckets().get(0).s3();
  }

  private static List<String> errors(ConfigParser parser, String document) {
    return catchThrowableOfType(ConfigException.class, () -> parser.parseYaml(document)).errors();
  }

  @Test
  void replacesASetVariable() throws ConfigException {
    assertThat(s3(parser(Map.of("PREFIX", "public/")), "keyPrefix: ${PREFIX}").keyPrefix())
        .isEqualTo("public/");
  }

  @Test
  void reportsAnUnsetVariableWithItsNameAndPath() {
    assertThat(
            errors(
                parser(Map.of()),
                bucket("credentials: {accessKeyId: '${ASSETS_KEY_ID}', secretAccessKey: x}")))
        .containsExactly(
            "buckets[0].s3.credentials.accessKeyId: environment variable ASSETS_KEY_ID is not set");
  }

  @Test
  void usesTheDefaultOfAnUnsetVariable() throws ConfigException {
    assertThat(s3(parser(Map.of()), "keyPrefix: ${PREFIX:-cdn/}").keyPrefix()).isEqualTo("cdn/");
  }

  @Test
  void usesTheDefaultOfAnEmptyVariableAsTheShellDoes() throws ConfigException {
    assertThat(s3(parser(Map.of("PREFIX", "")), "keyPrefix: ${PREFIX:-cdn/}").keyPrefix())
        .isEqualTo("cdn/");
  }

  @Test
  void acceptsAnEmptyDefault() throws ConfigException {
    assertThat(s3(parser(Map.of()), "keyPrefix: ${PREFIX:-}").keyPrefix()).isEmpty();
  }

  @Test
  void readsAFileAndStripsOneTrailingNewline() throws Exception {
    Path unix = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    Path windows = Files.writeString(dir.resolve("secret-crlf"), SECRET + "\r\n\r\n");
    ConfigParser parser = parser(Map.of());

    S3Credentials fromUnix =
        s3(parser, "credentials: {accessKeyId: a1b2, secretAccessKey: '${file:" + unix + "}'}")
            .credentials();
    S3Credentials fromWindows =
        s3(parser, "credentials: {accessKeyId: a1b2, secretAccessKey: '${file:" + windows + "}'}")
            .credentials();

    assertThat(fromUnix.secretAccessKey()).isEqualTo(SECRET);
    assertThat(fromWindows.secretAccessKey()).isEqualTo(SECRET + "\r\n");
  }

  @Test
  void reportsAMissingFileWithPathAndFileName() {
    Path missing = dir.resolve("missing");

    assertThat(
            errors(
                parser(Map.of()),
                bucket(
                    "credentials: {accessKeyId: a1b2, secretAccessKey: '${file:"
                        + missing
                        + "}'}")))
        .containsExactly(
            "buckets[0].s3.credentials.secretAccessKey: cannot read file "
                + missing
                + ": no such file");
  }

  @Test
  void keepsALiteralDollarBrace() throws ConfigException {
    assertThat(s3(parser(Map.of()), "keyPrefix: $${HOME}/$$/$x").keyPrefix())
        .isEqualTo("${HOME}/$$/$x");
  }

  @Test
  void resolvesSeveralReferencesInOneValue() throws ConfigException {
    ConfigParser parser = parser(Map.of("HOST", "minio.local", "PORT", "9000"));

    assertThat(s3(parser, "endpoint: http://${HOST}:${PORT}").endpoint())
        .hasToString("http://minio.local:9000");
  }

  @Test
  void reportsEveryUnsetVariableOfOneValue() {
    assertThat(errors(parser(Map.of()), bucket("endpoint: http://${HOST}:${PORT}")))
        .containsExactly(
            "buckets[0].s3.endpoint: environment variable HOST is not set",
            "buckets[0].s3.endpoint: environment variable PORT is not set");
  }

  @Test
  void bindsAnInterpolatedInteger() throws ConfigException {
    ConfigParser parser = parser(Map.of("MAX_URI", "4096"));

    assertThat(parser.parseYaml("server: {maxUriBytes: '${MAX_URI}'}").server().maxUriBytes())
        .isEqualTo(4096);
  }

  @Test
  void bindsInterpolatedBooleansDurationsAndAddresses() throws ConfigException {
    ConfigParser parser =
        parser(Map.of("ACCESS_LOG", "false", "IDLE", "5m", "PORT", "8081", "TRANSPORT", "nio"));

    ProxyConfig config =
        parser.parseYaml(
            """
            server: {listen: "0.0.0.0:${PORT}", idleTimeout: "${IDLE}", transport: "${TRANSPORT}"}
            logging: {accessLog: "${ACCESS_LOG}"}
            """);

    assertThat(config.server().listen()).hasToString("0.0.0.0:8081");
    assertThat(config.server().idleTimeout()).hasToString("PT5M");
    assertThat(config.server().transport()).isEqualTo(Transport.NIO);
    assertThat(config.logging().accessLog()).isFalse();
  }

  @Test
  void reportsAnInterpolatedValueThatIsNotAnInteger() {
    assertThat(errors(parser(Map.of("MAX_URI", "lots")), "server: {maxUriBytes: '${MAX_URI}'}"))
        .containsExactly("server.maxUriBytes: \"lots\" is not an integer");
  }

  @Test
  void leavesKeysAlone() {
    assertThat(errors(parser(Map.of("K", "listen")), "server: {'${K}': 0.0.0.0:80}"))
        .containsExactly(
            "server.${K}: unknown key (expected one of: listen, maxRequestHeaderBytes,"
                + " maxUriBytes, idleTimeout, transport, trustedProxies, requestHeaderTimeout,"
                + " maxConcurrentRequests, drainDelay, shutdownGracePeriod, tls)");
  }

  @Test
  void reportsAnUnterminatedReference() {
    assertThat(errors(parser(Map.of()), bucket("keyPrefix: ${PREFIX")))
        .containsExactly(
            "buckets[0].s3.keyPrefix: unterminated ${ (expected: ${NAME}, ${NAME:-default} or"
                + " ${file:/path}; $${ for a literal ${)");
  }

  @Test
  void reportsAReferenceThatIsNotAVariableName() {
    assertThat(errors(parser(Map.of()), bucket("keyPrefix: ${my prefix}")))
        .containsExactly(
            "buckets[0].s3.keyPrefix: \"my prefix\" is not a variable name (expected: ${NAME},"
                + " ${NAME:-default} or ${file:/path}; $${ for a literal ${)");
  }

  @Test
  void neverPutsAResolvedCredentialInAMessage() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "0123-" + SECRET + "\n");
    ConfigParser parser = parser(Map.of("KEY_ID", "AKIA" + SECRET, "SECRET", SECRET + "\u0000"));
    String document =
        bucket(
            "credentials: {accessKeyId: '${KEY_ID}x', secretAccessKey: {value: '${SECRET}'},"
                + " sessionToken: '${file:"
                + file
                + "}${UNSET}', extra: '${SECRET}'}");

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> parser.parseYaml(document));

    assertThat(e.errors())
        .containsExactly(
            "buckets[0].s3.credentials.secretAccessKey: is a mapping (expected: a string, in"
                + " quotes if need be)",
            "buckets[0].s3.credentials.sessionToken: environment variable UNSET is not set",
            "buckets[0].s3.credentials.extra: unknown key (expected one of: accessKeyId,"
                + " secretAccessKey, sessionToken)");
    assertThat(e.getMessage()).doesNotContain(SECRET);
  }
}
