package io.yatagarasu.proxy.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.yatagarasu.config.RateLimit;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a client address, a JWT subject). Memory is bounded: at most {@code
 * maxKeys} keys are tracked, and a key unused for longer than a full refill is forgotten (a
 * forgotten key starts again with a full bucket, which is what it would have had).
 */
public final class KeyedLimiter {
  private final RateLimit limit;
  private final int maxKeys;
  private final LongSupplier clock;
  private final Cache<Object, TokenBucket> buckets;

  KeyedLimiter(RateLimit limit, int maxKeys, LongSupplier clock) {
    this.limit = limit;
    this.maxKeys = maxKeys;
    this.clock = clock;
    long refillNanos = (long) (limit.burst() / limit.requestsPerSecond() * 1e9);
    this.buckets =
        Caffeine.newBuilder()
            // Upkeep runs on the event loop that takes the token, as in the verified-token cache:
            // handed to the common pool it would wake a second thread on a busy CPU.
            .executor(Runnable::run)
            .maximumSize(maxKeys)
            .expireAfterAccess(Duration.ofNanos(Math.max(1_000_000_000L, refillNanos * 2)))
            .build();
  }

  boolean sameSettings(RateLimit other, int otherMaxKeys) {
    return limit.equals(other) && maxKeys == otherMaxKeys;
  }

  RateLimit limit() {
    return limit;
  }

  /** Takes a token for {@code key}: 0 when allowed, else nanoseconds until one is available. */
  long take(Object key) {
    long now = clock.getAsLong();
    return buckets.get(key, k -> new TokenBucket(limit, now)).take(now);
  }

  /** Keys tracked now (after pending evictions). */
  long trackedKeys() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
