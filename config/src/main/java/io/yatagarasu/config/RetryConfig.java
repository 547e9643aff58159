package io.yatagarasu.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of GET and HEAD before the first byte reaches the client: at most {@code maxAttempts}
 * attempts in all, capped exponential backoff with full jitter between {@code baseDelay} and {@code
 * maxDelay}, and a budget: retries stay under {@code budgetPercent} percent of requests, so an
 * outage does not become a retry storm.
 */
public record RetryConfig(
    int maxAttempts, Duration baseDelay, Duration maxDelay, int budgetPercent) {
  private static final RetryConfig DEFAULTS =
      new RetryConfig(3, Duration.ofMillis(50), Duration.ofSeconds(1), 20);

  public RetryConfig {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Rules.require("maxAttempts", Rules.ATTEMPTS.problem(maxAttempts));
    Rules.require("baseDelay", Rules.RETRY_DELAY.problem(baseDelay));
    Rules.require("maxDelay", Rules.RETRY_DELAY.problem(maxDelay));
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay: " + Durations.format(maxDelay) + " (expected: >= baseDelay)");
    }
    Rules.require("budgetPercent", Rules.PERCENT.problem(budgetPercent));
  }

  /** 3 attempts, 50ms..1s backoff, retries at most 20% of requests. */
  public static RetryConfig defaults() {
    return DEFAULTS;
  }
}
