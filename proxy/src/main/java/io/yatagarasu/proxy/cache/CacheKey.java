package io.yatagarasu.proxy.cache;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.proxy.s3.S3Target;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a cached object is stored under: the bucket's S3 target (endpoint, S3 bucket and key prefix,
 * never its credentials) and the object key as the client names it under the bucket's path prefix.
 * Two buckets routed to the same target share entries; a bucket whose target changes finds none.
 */
public record CacheKey(String target, String key) {
  // Target ids as computed before: every cache lookup needs one, and a configuration has few
  // targets. Emptied if a long run of swaps ever left it holding more than a bound.
  private static final int REMEMBERED_TARGETS = 1024;
  private static final Map<S3Target, String> TARGET_IDS = new ConcurrentHashMap<>();

  public CacheKey {
    requireNonNull(target, "target");
    requireNonNull(key, "key");
  }

  /** The identity of an S3 target: {@code scheme://host:port/base-path|key-prefix}. */
  public static String targetId(S3Target target) {
    return target.endpointKey() + target.basePath() + "|" + target.keyPrefix();
  }

  /** The key of {@code key} in the bucket whose primary target is {@code target}. */
  public static CacheKey of(S3Target target, String key) {
    String id = TARGET_IDS.get(target);
    if (id == null) {
      if (TARGET_IDS.size() >= REMEMBERED_TARGETS) {
        TARGET_IDS.clear();
      }
      id = targetId(target);
      TARGET_IDS.put(target, id);
    }
    return new CacheKey(id, key);
  }
}
