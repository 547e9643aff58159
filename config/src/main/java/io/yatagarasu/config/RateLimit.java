package io.yatagarasu.config;

/**
 * A token bucket: {@code requestsPerSecond} tokens refill continuously up to {@code burst}; each
 * request takes one.
 */
public record RateLimit(double requestsPerSecond, int burst) {
  public RateLimit {
    if (!(requestsPerSecond > 0) || requestsPerSecond > 1_000_000) {
      throw new IllegalArgumentException(
          "requestsPerSecond: " + requestsPerSecond + " (expected: > 0 and <= 1000000)");
    }
    Rules.require("burst", Rules.BURST.problem(burst));
  }
}
