package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A working set many times the cache's budget: the cache evicts and memory stays bounded. */
class CacheEvictionIT {
  private static final int OBJECTS = 64;
  private static final int SIZE = 256 * 1024;
  private static final long BUDGET = 1L << 20;

  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("evict-key", "evict-secret-0123456789");
    store.createBucket("files");
    for (int i = 0; i < OBJECTS; i++) {
      store.putGeneratedObject("files", "o" + i, SIZE);
    }
    String yaml =
        "server: { listen: 127.0.0.1:0 }\n"
            + "cache: { enabled: true, maxSize: 1MiB }\n"
            + "buckets:\n"
            + "  - name: e\n    pathPrefix: /e\n"
            + "    s3: { bucket: files, region: us-east-1, endpoint: \""
            + store.endpoint()
            + "\", credentials: { accessKeyId: evict-key, secretAccessKey: evict-secret-0123456789 } }\n"
            + "    auth: { type: public }\n";
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aWorkingSetLargerThanTheBudgetIsEvictedAndMemoryStaysBounded() throws Exception {
    byte[] expected = TestContent.bytes(0, SIZE);
    long directBefore = direct();
    long directMax = directBefore;
    long maxHeld = 0;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < OBJECTS; i++) {
        HttpResponse<byte[]> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/e/o" + i)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
        maxHeld = Math.max(maxHeld, proxy.cache().bytes());
        directMax = Math.max(directMax, direct());
      }
    }
    assertThat(maxHeld).isLessThanOrEqualTo(BUDGET);
    assertThat(proxy.cache().entries()).isLessThanOrEqualTo(BUDGET / SIZE);
    assertThat(proxy.metrics().scrape()).containsPattern("yatagarasu_cache_evictions_total [1-9]");
    // 48 MiB went through the cache: the proxy's direct memory never grew by more than the budget
    // and the allocator's working chunks.
    assertThat(directMax - directBefore).isLessThan(BUDGET + (16L << 20));
  }

  private static long direct() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
