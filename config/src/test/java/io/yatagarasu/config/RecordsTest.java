package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records check what they are given, whoever builds them (the parser or the operator). */
class RecordsTest {
  private static final S3Target TARGET =
      new S3Target("my-assets", "eu-west-1", null, false, "", null);
  private static final AuthConfig PUBLIC = new AuthConfig(AuthType.PUBLIC);

  private static ProxyConfig withBuckets(List<BucketConfig> buckets) {
    return new ProxyConfig(
        ServerConfig.defaults(),
        AdminConfig.defaults(),
        UpstreamConfig.defaults(),
        LoggingConfig.defaults(),
        buckets);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(ServerConfig.defaults())
        .isEqualTo(
            new ServerConfig(
                new ListenAddress("0.0.0.0", 8080),
                16384,
                8192,
                Duration.ofSeconds(60),
                Transport.AUTO));
    assertThat(AdminConfig.defaults().listen()).hasToString("127.0.0.1:9090");
    assertThat(UpstreamConfig.defaults())
        .isEqualTo(new UpstreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), 256));
    assertThat(LoggingConfig.defaults()).isEqualTo(new LoggingConfig(LogFormat.JSON, true));
  }

  @Test
  void credentialsNeverPrintTheirSecrets() {
    S3Credentials credentials =
        new S3Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", "FwoGZXIvYXdzEJr");

    assertThat(credentials)
        .hasToString("S3Credentials[accessKeyId=AKIA…, secretAccessKey=****, sessionToken=****]");
    assertThat(new S3Target("my-assets", "eu-west-1", null, false, "", credentials).toString())
        .doesNotContain("wJalr", "FwoG", "IOSFODNN7");
  }

  @Test
  void credentialsWithoutTokenSayNull() {
    assertThat(new S3Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", ""))
        .hasToString("S3Credentials[accessKeyId=AKIA…, secretAccessKey=****, sessionToken=null]");
  }

  @Test
  void credentialsRequireBothKeys() {
    assertThatNullPointerException()
        .isThrownBy(() -> new S3Credentials(null, "s", null))
        .withMessage("accessKeyId");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new S3Credentials("AKIA", "", null))
        .withMessage("secretAccessKey: must not be empty");
  }

  @Test
  void serverChecksItsRanges() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new ServerConfig(
                    new ListenAddress("0.0.0.0", 0),
                    16384,
                    100,
                    Duration.ofSeconds(1),
                    Transport.NIO))
        .withMessage("maxUriBytes: 100 (expected: 256..65536)");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new ServerConfig(
                    new ListenAddress("0.0.0.0", 0),
                    16384,
                    8192,
                    Duration.ofNanos(1500),
                    Transport.NIO))
        .withMessage("idleTimeout: PT0.0000015S (expected: whole milliseconds)");
  }

  @Test
  void upstreamChecksItsTimeouts() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new UpstreamConfig(Duration.ofSeconds(-1), Duration.ofSeconds(1), 1))
        .withMessage("connectTimeout: PT-1S (expected: > 0)");
  }

  @Test
  void bucketNormalisesItsPrefix() {
    assertThat(new BucketConfig("a", "/assets/", TARGET, PUBLIC).pathPrefix()).isEqualTo("/assets");
    assertThat(new BucketConfig("a", "/", TARGET, PUBLIC).pathPrefix()).isEqualTo("/");
  }

  @Test
  void bucketChecksItsPrefix() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new BucketConfig("a", "/health", TARGET, PUBLIC))
        .withMessage("pathPrefix: /health is reserved for the health check");
  }

  @Test
  void targetNormalisesItsEndpoint() {
    S3Target target =
        new S3Target("my-assets", "r", URI.create("http://minio:9000/"), true, "", null);

    assertThat(target.endpoint()).isEqualTo(URI.create("http://minio:9000"));
  }

  @Test
  void targetChecksItsEndpoint() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> new S3Target("my-assets", "r", URI.create("http://minio/x"), true, "", null))
        .withMessageStartingWith("endpoint: must not have a path, query or fragment");
  }

  @Test
  void proxyConfigCopiesItsBuckets() {
    List<BucketConfig> buckets =
        new ArrayList<>(List.of(new BucketConfig("a", "/a", TARGET, PUBLIC)));
    ProxyConfig config = withBuckets(buckets);
    buckets.clear();

    assertThat(config.buckets()).hasSize(1);
    assertThatThrownBy(() -> config.buckets().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void proxyConfigRejectsDuplicateNamesAndPrefixes() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                withBuckets(
                    List.of(
                        new BucketConfig("a", "/a", TARGET, PUBLIC),
                        new BucketConfig("b", "/b", TARGET, PUBLIC),
                        new BucketConfig("a", "/c", TARGET, PUBLIC))))
        .withMessage("buckets[2].name: duplicates buckets[0] (expected: unique)");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                withBuckets(
                    List.of(
                        new BucketConfig("a", "/a/", TARGET, PUBLIC),
                        new BucketConfig("b", "/a", TARGET, PUBLIC))))
        .withMessage("buckets[1].pathPrefix: duplicates buckets[0] (expected: unique)");
  }

  @Test
  void configExceptionJoinsItsErrors() {
    ConfigException e = new ConfigException(List.of("a: one", "b: two"));

    assertThat(e.errors()).containsExactly("a: one", "b: two");
    assertThat(e).hasMessage("a: one\nb: two");
  }
}
