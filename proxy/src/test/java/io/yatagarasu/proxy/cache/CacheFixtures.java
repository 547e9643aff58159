package io.yatagarasu.proxy.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.yatagarasu.proxy.metrics.CacheMeters;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Builders shared by the cache's unit tests. */
final class CacheFixtures {
  static final String TARGET = "http://127.0.0.1:9000/bucket|";
  static final String OTHER_TARGET = "http://127.0.0.1:9001/bucket|";

  private CacheFixtures() {}

  static final class Clock {
    final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

    long now() {
      return millis.get();
    }

    void advance(long ms) {
      millis.addAndGet(ms);
    }
  }

  static ObjectCache cache(long maxSize, Clock clock, SimpleMeterRegistry registry) {
    ObjectCache cache = new ObjectCache(true, maxSize, clock::now, new CacheMeters(registry));
    cache.configure(true, maxSize, Map.of("assets", TARGET, "other", OTHER_TARGET));
    return cache;
  }

  static ByteBuf direct(byte[] bytes) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length);
    buf.writeBytes(bytes);
    return buf;
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  static HttpHeaders headers(String etag) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("Content-Type", "application/octet-stream");
    if (etag != null) {
      h.set("ETag", etag);
    }
    return h;
  }

  static CachedObject entry(byte[] body, long now, long ttl) {
    return new CachedObject(
        200,
        headers("\"e1\""),
        direct(body),
        Freshness.of(new DefaultHttpHeaders(), now, now, ttl));
  }

  static CachedObject entry(String body, long now, long ttl) {
    return entry(body.getBytes(StandardCharsets.UTF_8), now, ttl);
  }

  static byte[] read(ByteBuf buf) {
    try {
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }
}
