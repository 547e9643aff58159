package io.yatagarasu.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class CacheMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CacheMeters meters = new CacheMeters(registry);

  private double lookups(String bucket, String result) {
    var counter =
        registry
            .find("yatagarasu.cache.lookups")
            .tag("bucket", bucket)
            .tag("result", result)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void countsLookupsPerBucketAndResult() {
    meters.lookup("assets", "hit");
    meters.lookup("assets", "hit");
    meters.lookup("assets", "miss");
    meters.lookup("logs", "hit");
    assertThat(lookups("assets", "hit")).isEqualTo(2);
    assertThat(lookups("assets", "miss")).isEqualTo(1);
    assertThat(lookups("logs", "hit")).isEqualTo(1);
    assertThat(lookups("logs", "miss")).isZero();
    assertThat(registry.find("yatagarasu.cache.lookups").counters()).hasSize(3);
  }

  @Test
  void countsServedBytesPerBucketAndIgnoresEmptyBodies() {
    meters.served("assets", 1024);
    meters.served("assets", 0);
    meters.served("assets", 100);
    meters.served("logs", 0);
    assertThat(registry.find("yatagarasu.cache.served.bytes").tag("bucket", "assets").counter())
        .satisfies(c -> assertThat(c.count()).isEqualTo(1124));
    assertThat(registry.find("yatagarasu.cache.served.bytes").tag("bucket", "logs").counter())
        .isNull();
  }
}
