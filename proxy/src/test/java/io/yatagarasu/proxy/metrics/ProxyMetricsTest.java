package io.yatagarasu.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProxyMetricsTest {

  @Test
  void exportsTheDirectMemoryOfTheAllocatorChannelsUse() {
    ProxyMetrics metrics = new ProxyMetrics();
    String type = ByteBufAllocator.DEFAULT.getClass().getSimpleName();
    long before = directUsed(metrics.scrape(), type);
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(1 << 20).writeZero(1 << 20);
    try {
      assertThat(ByteBufAllocator.DEFAULT).isInstanceOf(ByteBufAllocatorMetricProvider.class);
      long during = directUsed(metrics.scrape(), type);
      assertThat(during)
          .as("netty_allocator_memory_used of %s, direct, with 1 MiB held", type)
          .isGreaterThanOrEqualTo(before + (1 << 20) - 1);
    } finally {
      buffer.release();
    }
  }

  @Test
  void anEndpointAddedAgainReportsTheStateOfItsNewBreaker() {
    ProxyMetrics metrics = new ProxyMetrics();
    AtomicInteger first = new AtomicInteger(2);
    AtomicInteger second = new AtomicInteger(0);
    metrics.circuitState("s3.example:443", first, AtomicInteger::get);
    assertThat(metrics.scrape())
        .contains("yatagarasu_upstream_circuit_state{endpoint=\"s3.example:443\"} 2.0");

    metrics.circuitState("s3.example:443", second, AtomicInteger::get);

    assertThat(metrics.scrape())
        .contains("yatagarasu_upstream_circuit_state{endpoint=\"s3.example:443\"} 0.0")
        .doesNotContain("yatagarasu_upstream_circuit_state{endpoint=\"s3.example:443\"} 2.0");
  }

  /** The direct memory used by the allocator of the given type, summed over its series. */
  private static long directUsed(String scrape, String allocatorType) {
    Pattern line =
        Pattern.compile(
            "^netty_allocator_memory_used\\{[^}]*allocator_type=\""
                + Pattern.quote(allocatorType)
                + "\"[^}]*memory_type=\"direct\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    long sum = -1;
    while (m.find()) {
      sum = Math.max(sum, 0) + (long) Double.parseDouble(m.group(1));
    }
    assertThat(sum)
        .as("a netty_allocator_memory_used series for %s", allocatorType)
        .isNotNegative();
    return sum;
  }
}
