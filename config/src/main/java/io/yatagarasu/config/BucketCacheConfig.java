package io.yatagarasu.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one bucket uses the object cache, when the proxy-wide cache is enabled: responses are fresh
 * for {@code ttl} unless S3's {@code Cache-Control} or {@code Expires} say otherwise, objects
 * larger than {@code maxObjectSize} are streamed without being kept, a stale entry younger than
 * {@code staleIfError} answers when S3 fails, and a 404 is remembered for {@code notFoundTtl}
 * ({@code 0s} turns the last two off). The objects named in {@code warm} (keys as clients name them
 * under the bucket's path prefix) are fetched into the cache after every configuration change, so
 * that the first client finds them stored.
 */
public record BucketCacheConfig(
    boolean enabled,
    Duration ttl,
    long maxObjectSize,
    Duration staleIfError,
    Duration notFoundTtl,
    List<String> warm) {
  /** The most keys one bucket may list in {@code warm}. */
  public static final int MAX_WARM_KEYS = 1000;

  private static final BucketCacheConfig DEFAULTS =
      new BucketCacheConfig(true, Duration.ofSeconds(60), 8L << 20, Duration.ZERO, Duration.ZERO);

  public BucketCacheConfig {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(staleIfError, "staleIfError");
    Objects.requireNonNull(notFoundTtl, "notFoundTtl");
    Rules.require("ttl", Rules.CACHE_TTL.problem(ttl));
    Rules.require("maxObjectSize", Rules.CACHE_OBJECT_SIZE.problem(maxObjectSize));
    Rules.require("staleIfError", Rules.CACHE_TTL.problem(staleIfError));
    Rules.require("notFoundTtl", Rules.CACHE_TTL.problem(notFoundTtl));
    Objects.requireNonNull(warm, "warm");
    for (int i = 0; i < warm.size(); i++) {
      if (warm.get(i) == null) {
        throw new IllegalArgumentException("warm[" + i + "]: must be a key (expected: a string)");
      }
    }
    warm = List.copyOf(warm);
    String problem = Rules.warmKeys(warm);
    if (problem != null) {
      throw new IllegalArgumentException("warm" + (problem.startsWith("[") ? "" : ": ") + problem);
    }
    if (!enabled && !warm.isEmpty()) {
      throw new IllegalArgumentException("warm: needs enabled: true (nothing is kept to warm)");
    }
  }

  /** A policy that warms nothing. */
  public BucketCacheConfig(
      boolean enabled,
      Duration ttl,
      long maxObjectSize,
      Duration staleIfError,
      Duration notFoundTtl) {
    this(enabled, ttl, maxObjectSize, staleIfError, notFoundTtl, List.of());
  }

  /**
   * Why {@code key} cannot be an entry of {@code warm} (or of a warm asked through the admin API),
   * or null: keys are named as clients name them under the bucket's path prefix.
   */
  public static String keyProblem(String key) {
    return Rules.objectKey(Objects.requireNonNull(key, "key"));
  }

  /** Cached for 60s, objects up to 8 MiB, no stale answers, no 404s remembered. */
  public static BucketCacheConfig defaults() {
    return DEFAULTS;
  }
}
