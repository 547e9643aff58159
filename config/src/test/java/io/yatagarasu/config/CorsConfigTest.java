package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorsConfigTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));

  private static String bucket(String cors) {
    return "buckets:\n  - { name: web, pathPrefix: /web, s3: { bucket: web-assets, region: r },"
        + " auth: { type: public }, cors: "
        + cors
        + " }\n";
  }

  @Test
  void readsCorsWithDefaults() throws Exception {
    CorsConfig cors =
        PARSER
            .parseYaml(
                bucket(
                    "{ allowedOrigins: [\"https://app.example.com\", \"http://localhost:3000\"], exposedHeaders: [ETag] }"))
            .buckets()
            .get(0)
            .cors();
    assertThat(cors.allowedOrigins())
        .containsExactly("https://app.example.com", "http://localhost:3000");
    assertThat(cors.allowedMethods()).containsExactly("GET", "HEAD");
    assertThat(cors.exposedHeaders()).containsExactly("ETag");
    assertThat(cors.maxAge()).isEqualTo(Duration.ofMinutes(10));
    assertThat(cors.allowCredentials()).isFalse();
    ProxyConfig config = PARSER.parseYaml(bucket("{ allowedOrigins: [\"*\"], maxAge: 1h }"));
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void bucketsWithoutCorsHaveNone() throws Exception {
    assertThat(
            PARSER
                .parseYaml(
                    "buckets:\n  - { name: p, pathPrefix: /p, s3: { bucket: bb-b, region: r }, auth: { type: public } }\n")
                .buckets()
                .get(0)
                .cors())
        .isNull();
  }

  @Test
  void reportsBadCorsSettings() {
    List<String> errors =
        catchThrowableOfType(
                ConfigException.class,
                () ->
                    PARSER.parseYaml(
                        bucket(
                            "{ allowedOrigins: [\"*\", \"example.com\", \"https://x.test/path\"],"
                                + " allowedMethods: [GET, PUT], maxAge: 2d, allowCredentials: true }")))
            .errors();
    assertThat(errors)
        .containsExactly(
            "buckets[0].cors.allowedOrigins[1]: \"example.com\" is not an origin (expected: * or"
                + " scheme://host[:port])",
            "buckets[0].cors.allowedOrigins[2]: \"https://x.test/path\" is not an origin"
                + " (expected: * or scheme://host[:port])",
            "buckets[0].cors.allowedMethods[1]: \"PUT\" is not allowed (expected: GET or HEAD; the"
                + " proxy only reads)",
            "buckets[0].cors.maxAge: 2d (expected: 0s..1d)",
            "buckets[0].cors.allowCredentials: cannot be true with the origin \"*\" (expected: list"
                + " the origins)");
  }
}
