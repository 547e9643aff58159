package io.yatagarasu.operator.distribute;

import java.util.List;
import java.util.Objects;

/**
 * What a pod answered to the last push: the generation and hash it runs, or why it did not take the
 * snapshot. Never holds a credential or the admin token.
 *
 * @param result how the push ended
 * @param generation the generation the pod reports running (0 when unknown)
 * @param hash the content hash the pod reports running, or null
 * @param errors the proxy's own error list (rejected, stale) or one message (unreachable)
 * @param pushedGeneration the generation that was pushed
 */
public record PodAnswer(
    Result result, long generation, String hash, List<String> errors, long pushedGeneration) {
  /** How a push ended; the lower-case name tags the push metrics. */
  public enum Result {
    APPLIED,
    UNCHANGED,
    REJECTED,
    STALE,
    UNAUTHORIZED,
    UNREACHABLE;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public PodAnswer {
    Objects.requireNonNull(result, "result");
    errors = List.copyOf(errors);
  }

  /** The pod took the snapshot (or already ran it). */
  public boolean acknowledged() {
    return result == Result.APPLIED || result == Result.UNCHANGED;
  }

  /** A failure worth retrying: the pod may answer differently later. */
  public boolean retryable() {
    return result == Result.UNREACHABLE || result == Result.UNAUTHORIZED;
  }
}
