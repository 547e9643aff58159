package io.yatagarasu.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A circuit breaker per S3 endpoint: it opens when at least {@code failureRatePercent} percent of
 * at least {@code minimumRequests} requests in a {@code window} failed, answers at once while open
 * for {@code openDuration}, then lets {@code halfOpenProbes} requests test the endpoint before
 * closing again.
 */
public record CircuitBreakerConfig(
    int failureRatePercent,
    int minimumRequests,
    Duration window,
    Duration openDuration,
    int halfOpenProbes) {
  private static final CircuitBreakerConfig DEFAULTS =
      new CircuitBreakerConfig(50, 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 3);

  public CircuitBreakerConfig {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(openDuration, "openDuration");
    Rules.require("failureRatePercent", Rules.FAILURE_PERCENT.problem(failureRatePercent));
    Rules.require("minimumRequests", Rules.BURST.problem(minimumRequests));
    Rules.require("window", Rules.timeout(window));
    Rules.require("openDuration", Rules.timeout(openDuration));
    Rules.require("halfOpenProbes", Rules.ATTEMPTS.problem(halfOpenProbes));
  }

  /** Opens at 50% failures of at least 20 requests in 10s, for 30s, then 3 probes. */
  public static CircuitBreakerConfig defaults() {
    return DEFAULTS;
  }
}
