package io.yatagarasu.operator.distribute;

import java.util.Objects;

/**
 * What a pod answered to {@code POST /admin/cache/purge}. Never holds the admin token.
 *
 * @param result how the request ended
 * @param purged entries the pod dropped (0 unless purged)
 * @param message what went wrong, or a note on a purge of nothing; null when there is nothing to
 *     say
 */
public record PurgeAnswer(Result result, long purged, String message) {
  /** How a purge request ended. */
  public enum Result {
    /** The pod holds nothing the request names any more. */
    PURGED,
    /** The pod refused the request as invalid; sending it again changes nothing. */
    REJECTED,
    /** No answer, an unexpected answer, or the admin token refused; worth retrying. */
    UNREACHABLE
  }

  public PurgeAnswer {
    Objects.requireNonNull(result, "result");
    if (purged < 0) {
      throw new IllegalArgumentException("purged: " + purged + " (expected: >= 0)");
    }
  }
}
