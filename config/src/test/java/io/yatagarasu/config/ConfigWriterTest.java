package io.yatagarasu.config;

import static io.yatagarasu.config.ConfigParserTest.PARSER;
import static io.yatagarasu.config.ConfigParserTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigWriterTest {
  private static ProxyConfig example() throws Exception {
    return PARSER.parseYaml(resource("golden/example.in.yaml"));
  }

  /** Every field away from its default, and strings the parser would otherwise interpolate. */
  private static ProxyConfig unusual() {
    return new ProxyConfig(
        new ServerConfig(
            new ListenAddress("::", 0), 1024, 65536, Duration.ofMillis(1500), Transport.IO_URING),
        new AdminConfig(new ListenAddress("localhost", 19090)),
        new UpstreamConfig(Duration.ofMillis(250), Duration.ofDays(1), 1),
        new LoggingConfig(LogFormat.TEXT, false),
        new JwtConfig(
            List.of(
                new JwtIssuer(
                    "corp",
                    "https://login.example.com",
                    List.of("assets-api"),
                    URI.create("https://login.example.com/jwks.json"),
                    List.of(new JwtKey("shared", JwtAlgorithm.HS256, null, "s".repeat(32))),
                    Duration.ofMinutes(5))),
            Duration.ofSeconds(10),
            List.of(
                TokenSource.bearerHeader(),
                new TokenSource(TokenSource.Kind.QUERY, "access_token", null),
                new TokenSource(TokenSource.Kind.COOKIE, "session", null))),
        List.of(
            new BucketConfig(
                "root",
                "/",
                new S3Target(
                    "bucket.with.dots",
                    "us-gov-west-1",
                    URI.create("https://[::1]:9443"),
                    false,
                    "${literal}/",
                    new S3Credentials("AKIA${X}", "se\"cr\\et$${Y}\n", "tok:en")),
                new AuthConfig(
                    AuthType.JWT,
                    List.of("corp"),
                    List.of(
                        new ClaimRule("groups", ClaimOperator.CONTAINS, List.of("finance")),
                        new ClaimRule("org.level", ClaimOperator.GTE, List.of("3")),
                        new ClaimRule("scope", ClaimOperator.CONTAINS_ALL, List.of("a", "b")),
                        new ClaimRule("sub", ClaimOperator.EXISTS, List.of())),
                    new PathClaim("tenant", "/{claim}/")),
                List.of("10.0.0.0/8", "2001:db8::/32"),
                List.of("10.1.2.3")),
            new BucketConfig(
                "plain",
                "/p/q",
                new S3Target("plain-bucket", "eu-west-1", null, true, "", null),
                new AuthConfig(AuthType.PUBLIC))));
  }

  @Test
  void jsonRoundTripsTheExample() throws Exception {
    ProxyConfig config = example();

    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void jsonRoundTripsEveryNonDefault() throws Exception {
    ProxyConfig config = unusual();

    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void yamlRoundTrips() throws Exception {
    assertThat(PARSER.parseYaml(ConfigWriter.toYaml(example()))).isEqualTo(example());
    assertThat(PARSER.parseYaml(ConfigWriter.toYaml(unusual()))).isEqualTo(unusual());
  }

  @Test
  void jsonIsAlsoValidYaml() throws Exception {
    assertThat(PARSER.parseYaml(ConfigWriter.toJson(unusual()))).isEqualTo(unusual());
  }

  @Test
  void writesDefaultsExplicitly() throws Exception {
    assertThat(ConfigWriter.toCanonicalJson(PARSER.parseYaml("{}")))
        .isEqualTo(
            "{\"admin\":{\"listen\":\"127.0.0.1:9090\",\"maxBodyBytes\":16777216},\"buckets\":[],"
                + "\"logging\":{\"accessLog\":true,\"format\":\"json\"},"
                + "\"server\":{\"idleTimeout\":\"1m\",\"listen\":\"0.0.0.0:8080\","
                + "\"maxRequestHeaderBytes\":16384,\"maxUriBytes\":8192,\"transport\":\"auto\"},"
                + "\"upstream\":{\"connectTimeout\":\"2s\",\"maxConnectionsPerEndpoint\":256,"
                + "\"responseTimeout\":\"30s\"}}");
  }

  @Test
  void canonicalJsonDoesNotDependOnHowTheDocumentWasWritten() throws Exception {
    ProxyConfig ordered =
        PARSER.parseYaml(
            """
            server: {listen: "0.0.0.0:8080", idleTimeout: 60s}
            buckets:
              - name: a
                pathPrefix: /a/
                s3: {bucket: bucket-a, region: r, endpoint: "http://minio:9000/"}
                auth: {type: public}
            """);
    ProxyConfig shuffled =
        PARSER.parseYaml(
            """
            buckets:
              - auth: {type: public}
                s3: {pathStyle: true, region: r, endpoint: "http://minio:9000", bucket: bucket-a}
                pathPrefix: /a
                name: a
            logging: {format: json}
            server: {idleTimeout: 1m, maxUriBytes: 8192}
            """);

    assertThat(ConfigWriter.toCanonicalJson(shuffled))
        .isEqualTo(ConfigWriter.toCanonicalJson(ordered));
    assertThat(ConfigWriter.contentHash(shuffled)).isEqualTo(ConfigWriter.contentHash(ordered));
  }

  @Test
  void canonicalJsonHasSortedKeysAndNoWhitespace() throws Exception {
    String canonical = ConfigWriter.toCanonicalJson(example());

    assertThat(canonical).doesNotContain(" ", "\n").startsWith("{\"admin\":");
    assertThat(canonical).contains("\"s3\":{\"bucket\":\"my-assets\",\"credentials\":{");
  }

  @Test
  void theHashIsTheSha256OfTheCanonicalJson() throws Exception {
    ProxyConfig empty = PARSER.parseYaml("{}");

    assertThat(ConfigWriter.contentHash(empty))
        .matches("[0-9a-f]{64}")
        .isEqualTo(Sha256.hex(ConfigWriter.toCanonicalJson(empty)));
  }

  @Test
  void aChangedSecretChangesTheHash() throws Exception {
    ProxyConfig config = example();
    S3Target s3 = config.buckets().get(0).s3();
    S3Target rotated =
        new S3Target(
            s3.bucket(),
            s3.region(),
            s3.endpoint(),
            s3.pathStyle(),
            s3.keyPrefix(),
            new S3Credentials(s3.credentials().accessKeyId(), "rotated", null));
    BucketConfig bucket = config.buckets().get(0);
    ProxyConfig after =
        new ProxyConfig(
            config.server(),
            config.admin(),
            config.upstream(),
            config.logging(),
            List.of(new BucketConfig(bucket.name(), bucket.pathPrefix(), rotated, bucket.auth())));

    assertThat(ConfigWriter.contentHash(after)).isNotEqualTo(ConfigWriter.contentHash(config));
  }

  @Test
  void writesCredentialsForTheProxyToRead() throws Exception {
    assertThat(ConfigWriter.toJson(example()))
        .contains("\"secretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"");
  }

  @Test
  void escapesDollarBracesSoTheParserKeepsThem() {
    assertThat(ConfigWriter.toJson(unusual()))
        .contains("\"keyPrefix\": \"$${literal}/\"")
        .contains("\"accessKeyId\": \"AKIA$${X}\"");
  }

  /** An independent SHA-256 for the hash test. */
  private static final class Sha256 {
    static String hex(String text) throws Exception {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder();
      for (byte b : digest) {
        out.append(String.format("%02x", b));
      }
      return out.toString();
    }
  }
}
