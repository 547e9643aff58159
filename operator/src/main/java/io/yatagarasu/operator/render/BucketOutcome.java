package io.yatagarasu.operator.render;

import java.util.Objects;

/**
 * What rendering decided about one bucket.
 *
 * @param bucket the S3ProxyBucket
 * @param generation the bucket's metadata.generation that was rendered
 * @param routeName the bucket's name in the snapshot, or null when it is left out
 * @param accepted the Accepted condition
 * @param resolvedRefs the ResolvedRefs condition, or null when acceptance failed before the
 *     references were looked at
 */
public record BucketOutcome(
    ObjectKey bucket, long generation, String routeName, Verdict accepted, Verdict resolvedRefs) {
  public BucketOutcome {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(accepted, "accepted");
  }

  /** Whether the bucket is part of the snapshot. */
  public boolean included() {
    return routeName != null;
  }
}
