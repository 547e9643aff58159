package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
  static final Map<String, String> VARIABLES =
      Map.of(
          "ASSETS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
          "ASSETS_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  static final ConfigParser PARSER = new ConfigParser(Environment.of(VARIABLES));

  static List<String> errorsOf(String yaml) {
    try {
      PARSER.parseYaml(yaml);
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("expected problems in:\n" + yaml);
  }

  static String resource(String name) throws IOException {
    try (var in = ConfigParserTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void parsesTheFullExample() throws Exception {
    ProxyConfig config = PARSER.parseYaml(resource("golden/example.in.yaml"));

    assertThat(config)
        .isEqualTo(
            new ProxyConfig(
                new ServerConfig(
                    new ListenAddress("0.0.0.0", 8080),
                    16384,
                    8192,
                    Duration.ofSeconds(60),
                    Transport.AUTO),
                new AdminConfig(new ListenAddress("127.0.0.1", 9090)),
                new UpstreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), 256),
                new LoggingConfig(LogFormat.JSON, true),
                List.of(
                    new BucketConfig(
                        "assets",
                        "/assets",
                        new S3Target(
                            "my-assets",
                            "eu-west-1",
                            URI.create("http://127.0.0.1:9000"),
                            true,
                            "public/",
                            new S3Credentials(
                                "AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                null)),
                        new AuthConfig(AuthType.PUBLIC)))));
  }

  @Test
  void anEmptyMappingMeansEveryDefaultAndNoBuckets() throws Exception {
    ProxyConfig config = PARSER.parseYaml("{}");

    assertThat(config)
        .isEqualTo(
            new ProxyConfig(
                ServerConfig.defaults(),
                AdminConfig.defaults(),
                UpstreamConfig.defaults(),
                LoggingConfig.defaults(),
                List.of()));
  }

  @Test
  void everyKeyWithADefaultMayBeLeftOut() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            server:
              maxUriBytes: 4096
            buckets:
              - name: docs
                pathPrefix: /docs/
                s3: {bucket: my-docs, region: us-east-1}
                auth: {type: public}
            """);

    assertThat(config.server())
        .isEqualTo(
            new ServerConfig(
                new ListenAddress("0.0.0.0", 8080),
                16384,
                4096,
                Duration.ofSeconds(60),
                Transport.AUTO));
    assertThat(config.buckets())
        .containsExactly(
            new BucketConfig(
                "docs",
                "/docs",
                new S3Target("my-docs", "us-east-1", null, false, "", null),
                new AuthConfig(AuthType.PUBLIC)));
  }

  @Test
  void nullSectionsAreTheirDefaults() throws Exception {
    ProxyConfig config = PARSER.parseYaml("server:\nadmin: ~\nbuckets:\n");

    assertThat(config.server()).isEqualTo(ServerConfig.defaults());
    assertThat(config.admin()).isEqualTo(AdminConfig.defaults());
    assertThat(config.buckets()).isEmpty();
  }

  @Test
  void pathStyleDefaultsToTrueWithAnEndpoint() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            buckets:
              - name: a
                pathPrefix: /
                s3: {bucket: bucket-a, region: r1, endpoint: "https://minio.local:9000/"}
                auth: {type: public}
            """);

    S3Target s3 = config.buckets().get(0).s3();
    assertThat(s3.pathStyle()).isTrue();
    assertThat(s3.endpoint()).isEqualTo(URI.create("https://minio.local:9000"));
    assertThat(config.buckets().get(0).pathPrefix()).isEqualTo("/");
  }

  @Test
  void readsJson() throws Exception {
    ProxyConfig config =
        PARSER.parseJson(
            """
            {"server": {"listen": "[::1]:0", "transport": "io_uring"},
             "logging": {"format": "text", "accessLog": false}}
            """);

    assertThat(config.server().listen()).isEqualTo(new ListenAddress("::1", 0));
    assertThat(config.server().transport()).isEqualTo(Transport.IO_URING);
    assertThat(config.logging()).isEqualTo(new LoggingConfig(LogFormat.TEXT, false));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThat(
            errorsOf(
                """
                server:
                  maxUriBytes: abc
                  idleTimeout: 10 parsecs
                buckets:
                  - name: Assets
                    pathPrefix: /assets
                    s3: {bucket: my-assets, region: ""}
                """))
        .containsExactly(
            "server.maxUriBytes: \"abc\" is not an integer",
            "server.idleTimeout: \"10 parsecs\" is not a duration (expected: e.g. 250ms, 2s, 5m, 1h)",
            "buckets[0].name: \"Assets\" is not a valid name (expected: 1..63 lowercase letters,"
                + " digits and '-', starting and ending with a letter or digit)",
            "buckets[0].s3.region: must not be empty",
            "buckets[0].auth: is required");
  }

  @Test
  void theMessageIsEveryProblemOnItsOwnLine() {
    assertThatThrownBy(() -> PARSER.parseYaml("server: {maxUriBytes: 1}\nadmin: {listen: x}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "server.maxUriBytes: 1 (expected: 256..65536)\n"
                + "admin.listen: \"x\" is not a listen address (expected: host:port, e.g."
                + " 0.0.0.0:8080 or [::1]:8080)");
  }

  @Test
  void reportsUnknownKeysAtEveryLevel() {
    assertThat(
            errorsOf(
                """
                servr: {}
                server: {listne: 0.0.0.0:80}
                admin: {port: 9090}
                upstream: {timeout: 2s}
                logging: {level: info}
                buckets:
                  - name: a
                    pathPrefix: /a
                    prefix: /b
                    s3:
                      bucket: bucket-a
                      region: r
                      credentials: {accessKeyId: a, secretAccessKey: b, token: c}
                      acl: private
                    auth: {type: public, issuer: x}
                """))
        .containsExactly(
            "server.listne: unknown key (expected one of: listen, maxRequestHeaderBytes,"
                + " maxUriBytes, idleTimeout, transport, trustedProxies, requestHeaderTimeout,"
                + " maxConcurrentRequests, drainDelay, shutdownGracePeriod, tls)",
            "admin.port: unknown key (expected one of: listen, tokenFile, maxBodyBytes)",
            "upstream.timeout: unknown key (expected one of: connectTimeout, responseTimeout,"
                + " maxConnectionsPerEndpoint, bodyIdleTimeout, idleConnectionTimeout, retry,"
                + " circuitBreaker)",
            "logging.level: unknown key (expected one of: format, accessLog)",
            "buckets[0].s3.credentials.token: unknown key (expected one of: accessKeyId,"
                + " secretAccessKey, sessionToken)",
            "buckets[0].s3.acl: unknown key (expected one of: bucket, region, endpoint, pathStyle,"
                + " keyPrefix, credentials, replicas)",
            "buckets[0].auth.issuer: unknown key (expected one of: type, issuers, claims, pathClaim)",
            "buckets[0].prefix: unknown key (expected one of: name, pathPrefix, s3, auth, ipAllow, ipDeny, cors, rateLimit, upstream, cache)",
            "servr: unknown key (expected one of: generation, server, admin, upstream, logging, jwt, rateLimits, cache, tracing, buckets)");
  }

  @Test
  void reportsWrongNodeTypesWithTheirPath() {
    assertThat(
            errorsOf(
                """
                server: [1, 2]
                admin: {listen: {host: x}}
                logging: {accessLog: yes please}
                upstream: {maxConnectionsPerEndpoint: 1.5}
                buckets:
                  - just a string
                  - name: b
                    pathPrefix: /b
                    s3: {bucket: [x], region: 12, credentials: key}
                    auth: public
                """))
        .containsExactly(
            "server: is a list (expected: a mapping)",
            "admin.listen: is a mapping (expected: host:port)",
            "upstream.maxConnectionsPerEndpoint: \"1.5\" is not an integer",
            "logging.accessLog: \"yes please\" is not a boolean (expected: true or false)",
            "buckets[0]: is a string (expected: a mapping)",
            "buckets[1].s3.bucket: is a list (expected: a string, in quotes if need be)",
            "buckets[1].s3.region: is a number (expected: a string, in quotes if need be)",
            "buckets[1].s3.credentials: is a string (expected: a mapping)",
            "buckets[1].auth: is a string (expected: a mapping)");
  }

  @Test
  void bucketsMustBeAList() {
    assertThat(errorsOf("buckets: {name: a}"))
        .containsExactly("buckets: is a mapping (expected: a list)");
  }

  @Test
  void reportsYamlSyntaxErrorsWithLineAndColumn() {
    assertThat(errorsOf("server:\n  listen: a\n  x: y: z\n"))
        .containsExactly("line 3, column 7: server.x: mapping values are not allowed here");
  }

  @Test
  void syntaxErrorsCarryNoStackTraceNorJacksonNames() {
    List<String> errors = errorsOf("server:\n\tlisten: a\n");

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0))
        .startsWith("line 2, column 1: ")
        .doesNotContain("jackson", "snakeyaml", "Exception", "\tat ", "reader");
  }

  @Test
  void reportsJsonSyntaxErrorsWithLineAndColumn() {
    assertThatThrownBy(() -> PARSER.parseJson("{\n  \"server\": }"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("line 2, column 13: server: Unexpected character");
  }

  @Test
  void syntaxErrorsNameThePathAndKindButQuoteNoInput() {
    String json =
        "{\"buckets\": [{\"s3\": {\"credentials\": {\"secretAccessKey\": hAdmLeak0123}}}]}";
    String yaml = "server:\n  listen: 'unterminated secret-value-0123\n";

    assertThatThrownBy(() -> PARSER.parseJson(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("buckets[0].s3.credentials.secretAccessKey: Unrecognized token")
        .hasMessageNotContaining("hAdmLeak");
    assertThat(errorsOf(yaml)).singleElement().asString().doesNotContain("secret-value");
  }

  @Test
  void rejectsDuplicateKeys() {
    assertThat(errorsOf("server:\n  listen: 0.0.0.0:80\n  listen: 0.0.0.0:81\n"))
        .containsExactly("server.listen: duplicate key");
    assertThatThrownBy(
            () -> PARSER.parseJson("{\"buckets\": [{\"name\": \"a\", \"name\": \"b\"}]}"))
        .hasMessage("buckets[0].name: duplicate key");
  }

  @Test
  void rejectsAnEmptyDocument() {
    assertThat(errorsOf("# nothing yet\n"))
        .containsExactly(
            "the document is empty (expected: a mapping of server, admin, upstream, logging,"
                + " buckets)");
  }

  @Test
  void rejectsADocumentThatIsNotAMapping() {
    assertThat(errorsOf("- server\n"))
        .containsExactly(
            "the document is a list (expected: a mapping of server, admin, upstream, logging,"
                + " buckets)");
    assertThatThrownBy(() -> PARSER.parseJson("\"server\""))
        .hasMessage(
            "the document is a single value (expected: a mapping of server, admin, upstream,"
                + " logging, buckets)");
  }

  @Test
  void rejectsSeveralDocuments() {
    assertThat(errorsOf("server: {}\n---\nadmin: {}\n"))
        .containsExactly("line 3, column 1: more than one document (expected: exactly one)");
  }

  @Test
  void loadsYamlOrJsonByFileName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("proxy.yaml"), "server: {maxUriBytes: 1024}\n");
    Files.writeString(dir.resolve("proxy.json"), "{\"server\": {\"maxUriBytes\": 2048}}");

    assertThat(PARSER.load(dir.resolve("proxy.yaml")).server().maxUriBytes()).isEqualTo(1024);
    assertThat(PARSER.load(dir.resolve("proxy.json")).server().maxUriBytes()).isEqualTo(2048);
  }

  @Test
  void anUnreadableFileIsAProblemNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");

    assertThatThrownBy(() -> PARSER.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cannot read " + missing + ": no such file");
  }
}
