package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));

  @Test
  void readsTimeoutsLimitsShutdownAndRetries() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            server:
              requestHeaderTimeout: 5s
              maxConcurrentRequests: 500
              drainDelay: 1s
              shutdownGracePeriod: 10s
              tls: { certificateFile: /etc/tls/tls.crt, privateKeyFile: /etc/tls/tls.key }
            upstream:
              bodyIdleTimeout: 15s
              idleConnectionTimeout: 90s
              retry: { maxAttempts: 4, baseDelay: 20ms, maxDelay: 500ms, budgetPercent: 10 }
              circuitBreaker: { failureRatePercent: 40, minimumRequests: 5, window: 5s, openDuration: 2s, halfOpenProbes: 2 }
            """);
    assertThat(config.server().requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.server().maxConcurrentRequests()).isEqualTo(500);
    assertThat(config.server().drainDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.server().shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.server().tls())
        .isEqualTo(new TlsConfig("/etc/tls/tls.crt", "/etc/tls/tls.key", true));
    assertThat(config.upstream().bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.upstream().idleConnectionTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.upstream().retry())
        .isEqualTo(new RetryConfig(4, Duration.ofMillis(20), Duration.ofMillis(500), 10));
    assertThat(config.upstream().circuitBreaker())
        .isEqualTo(
            new CircuitBreakerConfig(40, 5, Duration.ofSeconds(5), Duration.ofSeconds(2), 2));
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void aBucketOverridesTheUpstreamSettingsItNames() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            upstream:
              responseTimeout: 10s
              retry: { maxAttempts: 2 }
            buckets:
              - name: slow
                pathPrefix: /slow
                s3: { bucket: slow-bucket, region: r }
                auth: { type: public }
                upstream:
                  responseTimeout: 2m
                  idleConnectionTimeout: 5m
                  retry: { budgetPercent: 5 }
              - name: plain
                pathPrefix: /plain
                s3: { bucket: plain-bucket, region: r }
                auth: { type: public }
            """);
    UpstreamConfig slow = config.upstreamFor(config.buckets().get(0));
    assertThat(slow.responseTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(slow.retry().maxAttempts()).as("inherited").isEqualTo(2);
    assertThat(slow.retry().budgetPercent()).isEqualTo(5);
    assertThat(slow.connectTimeout()).as("inherited").isEqualTo(Duration.ofSeconds(2));
    assertThat(slow.idleConnectionTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.upstreamFor(config.buckets().get(1))).isSameAs(config.upstream());
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void aBucketThatSetsTheDefaultConnectionIdleTimeoutUnderAFleetThatDoesNotKeepsIt()
      throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            upstream: { idleConnectionTimeout: 60s }
            buckets:
              - name: short
                pathPrefix: /short
                s3: { bucket: short-bucket, region: r }
                auth: { type: public }
                upstream: { idleConnectionTimeout: 30s }
            """);
    assertThat(config.upstreamFor(config.buckets().get(0)).idleConnectionTimeout())
        .isEqualTo(Duration.ofSeconds(30));
    ProxyConfig written = PARSER.parseJson(ConfigWriter.toJson(config));
    assertThat(written.upstreamFor(written.buckets().get(0)).idleConnectionTimeout())
        .as("after the round trip")
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(written).isEqualTo(config);
  }

  @Test
  void hasSafeDefaults() throws Exception {
    ProxyConfig config = PARSER.parseYaml("buckets: []\n");
    assertThat(config.server().requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.server().maxConcurrentRequests()).isEqualTo(10_000);
    assertThat(config.server().drainDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.server().shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.upstream().bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.upstream().idleConnectionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.upstream().retry()).isEqualTo(RetryConfig.defaults());
    assertThat(ConfigWriter.toCanonicalJson(config))
        .doesNotContain("retry")
        .doesNotContain("drainDelay")
        .doesNotContain("idleConnectionTimeout");
  }

  @Test
  void reportsEveryOutOfRangeSetting() {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () ->
                        PARSER.parseYaml(
                            """
                            server:
                              requestHeaderTimeout: 0s
                              maxConcurrentRequests: 0
                              drainDelay: 6m
                              shutdownGracePeriod: 2h
                            upstream:
                              bodyIdleTimeout: 0s
                              idleConnectionTimeout: 0s
                              retry: { maxAttempts: 11, baseDelay: 2s, maxDelay: 1s, budgetPercent: 101 }
                            """))
                .errors())
        .containsExactly(
            "server.requestHeaderTimeout: 0s (expected: > 0)",
            "server.maxConcurrentRequests: 0 (expected: 1..1000000)",
            "server.drainDelay: 6m (expected: 0s..5m)",
            "server.shutdownGracePeriod: 2h (expected: 0s..1h)",
            "upstream.bodyIdleTimeout: 0s (expected: > 0)",
            "upstream.idleConnectionTimeout: 0s (expected: > 0)",
            "upstream.retry.maxAttempts: 11 (expected: 1..10)",
            "upstream.retry.budgetPercent: 101 (expected: 0..100)",
            "upstream.retry.maxDelay: 1s (expected: >= baseDelay)");
  }

  @Test
  void readsTheTlsProviderAndWritesItOnlyWhenNotAuto() throws Exception {
    ProxyConfig openssl =
        PARSER.parseYaml(
            """
            server:
              tls: { certificateFile: /c, privateKeyFile: /k, provider: openssl }
            """);
    assertThat(openssl.server().tls().provider()).isEqualTo(TlsProvider.OPENSSL);
    assertThat(ConfigWriter.toJson(openssl)).contains("\"provider\": \"openssl\"");
    assertThat(PARSER.parseJson(ConfigWriter.toJson(openssl))).isEqualTo(openssl);

    ProxyConfig auto =
        PARSER.parseYaml("server: { tls: { certificateFile: /c, privateKeyFile: /k } }\n");
    assertThat(auto.server().tls().provider()).isEqualTo(TlsProvider.AUTO);
    assertThat(ConfigWriter.toJson(auto)).doesNotContain("provider");
  }

  @Test
  void rejectsAnUnknownTlsProvider() {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () ->
                        PARSER.parseYaml(
                            """
                            server:
                              tls: { certificateFile: /c, privateKeyFile: /k, provider: boringssl }
                            """))
                .errors())
        .containsExactly(
            "server.tls.provider: \"boringssl\" is not supported (expected one of: auto, openssl,"
                + " jdk)");
  }
}
