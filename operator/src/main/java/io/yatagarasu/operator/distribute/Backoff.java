package io.yatagarasu.operator.distribute;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff with jitter, shared by snapshot pushes and cache purges: after the nth
 * failure, a delay between half and all of {@code min(cap, base * 2^(n-1))}.
 *
 * @param base the step after the first failure
 * @param cap the longest step
 */
public record Backoff(Duration base, Duration cap) {
  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isZero() || base.isNegative() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff: " + base + ".." + cap + " (expected: 0 < base <= cap)");
    }
  }

  /**
   * The delay after {@code failures} failures (at least 1).
   *
   * @param jitter where in the upper half of the step the delay falls, 0 to 1
   */
  public long nanos(int failures, double jitter) {
    long b = base.toNanos();
    long c = cap.toNanos();
    long step = failures >= 30 ? c : Math.min(c, b << Math.max(0, Math.min(failures - 1, 30)));
    double j = Math.max(0, Math.min(1, jitter));
    return step / 2 + (long) ((step / 2) * j);
  }
}
