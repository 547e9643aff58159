package io.yatagarasu.proxy.ratelimit;

import io.yatagarasu.config.RateLimit;

/** One token bucket: tokens refill continuously at the limit's rate up to its burst. */
public final class TokenBucket {
  private final RateLimit limit;
  private final double perNano;
  private double tokens;
  private long last;

  TokenBucket(RateLimit limit, long nowNanos) {
    this.limit = limit;
    this.perNano = limit.requestsPerSecond() / 1e9;
    this.tokens = limit.burst();
    this.last = nowNanos;
  }

  RateLimit limit() {
    return limit;
  }

  /** Takes a token: 0 when there was one, else how many nanoseconds until there will be. */
  synchronized long take(long nowNanos) {
    if (nowNanos > last) {
      tokens = Math.min(limit.burst(), tokens + (nowNanos - last) * perNano);
      last = nowNanos;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
  }

  /** Whole tokens left now (for the RateLimit-Remaining header). */
  synchronized int remaining() {
    return (int) Math.floor(tokens);
  }
}
