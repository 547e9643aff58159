package io.yatagarasu.config;

/**
 * The proxy-wide object cache: off unless {@code enabled}; at most {@code maxSize} bytes of object
 * bodies held at once, outside the Java heap. Each bucket's use of it is in {@link
 * BucketCacheConfig}.
 */
public record CacheConfig(boolean enabled, long maxSize) {
  /** The byte budget when none is given: 256 MiB. */
  public static final long DEFAULT_MAX_SIZE = 256L << 20;

  private static final CacheConfig DEFAULTS = new CacheConfig(false, DEFAULT_MAX_SIZE);

  public CacheConfig {
    Rules.require("maxSize", Rules.CACHE_SIZE.problem(maxSize));
  }

  /** No cache; 256 MiB when enabled. */
  public static CacheConfig defaults() {
    return DEFAULTS;
  }
}
