package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsConfigTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));

  @Test
  void readsEveryScope() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            rateLimits:
              global: { requestsPerSecond: 5000, burst: 10000 }
              perClientIp: { requestsPerSecond: 20 }
              perSubject: { requestsPerSecond: 0.5, burst: 2 }
              maxTrackedKeys: 5000
            buckets:
              - name: p
                pathPrefix: /p
                s3: { bucket: bb-b, region: r }
                auth: { type: public }
                rateLimit: { requestsPerSecond: 100, burst: 50 }
            """);
    RateLimitsConfig limits = config.rateLimits();
    assertThat(limits.global()).isEqualTo(new RateLimit(5000, 10000));
    assertThat(limits.perClientIp()).isEqualTo(new RateLimit(20, 20));
    assertThat(limits.perSubject()).isEqualTo(new RateLimit(0.5, 2));
    assertThat(limits.maxTrackedKeys()).isEqualTo(5000);
    assertThat(config.buckets().get(0).rateLimit()).isEqualTo(new RateLimit(100, 50));
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void noLimitsByDefault() throws Exception {
    ProxyConfig config = PARSER.parseYaml("buckets: []\n");
    assertThat(config.rateLimits()).isEqualTo(RateLimitsConfig.none());
    assertThat(ConfigWriter.toCanonicalJson(config)).doesNotContain("rateLimits");
  }

  @Test
  void reportsBadLimits() {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () ->
                        PARSER.parseYaml(
                            """
                            rateLimits:
                              global: { requestsPerSecond: 0 }
                              perClientIp: { burst: 3 }
                              perSubject: { requestsPerSecond: fast }
                              maxTrackedKeys: 0
                            """))
                .errors())
        .containsExactly(
            "rateLimits.global.requestsPerSecond: 0 (expected: > 0 and <= 1000000)",
            "rateLimits.perClientIp.requestsPerSecond: is required",
            "rateLimits.perSubject.requestsPerSecond: \"fast\" is not a number",
            "rateLimits.maxTrackedKeys: 0 (expected: 1..10000000)");
  }
}
