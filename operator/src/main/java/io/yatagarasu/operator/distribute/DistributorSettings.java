package io.yatagarasu.operator.distribute;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of snapshot pushes.
 *
 * @param debounce how long a change waits for more changes before it is pushed
 * @param timeout per-pod limit for one push (connect and answer)
 * @param backoffBase first retry delay after a failed push
 * @param backoffCap longest retry delay
 * @param view how a pod sees the snapshot
 */
public record DistributorSettings(
    Duration debounce, Duration timeout, Duration backoffBase, Duration backoffCap, PodView view) {
  public DistributorSettings {
    Objects.requireNonNull(debounce, "debounce");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(backoffBase, "backoffBase");
    Objects.requireNonNull(backoffCap, "backoffCap");
    Objects.requireNonNull(view, "view");
    new Backoff(backoffBase, backoffCap);
  }

  /** The retry delays of failed pushes and purges. */
  public Backoff backoff() {
    return new Backoff(backoffBase, backoffCap);
  }

  public static DistributorSettings defaults() {
    return new DistributorSettings(
        Duration.ofMillis(50),
        Duration.ofSeconds(5),
        Duration.ofMillis(200),
        Duration.ofSeconds(30),
        PodView.AS_RENDERED);
  }

  public DistributorSettings withView(PodView view) {
    return new DistributorSettings(debounce, timeout, backoffBase, backoffCap, view);
  }

  public DistributorSettings withBackoff(Duration base, Duration cap) {
    return new DistributorSettings(debounce, timeout, base, cap, view);
  }
}
