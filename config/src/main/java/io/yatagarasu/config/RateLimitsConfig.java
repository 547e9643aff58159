package io.yatagarasu.config;

/**
 * Proxy-wide rate limits, each optional (null: no limit): all requests together, each client
 * address (after {@code server.trustedProxies}), and each JWT subject. At most {@code
 * maxTrackedKeys} client addresses and subjects are tracked at once; idle ones are forgotten.
 */
public record RateLimitsConfig(
    RateLimit global, RateLimit perClientIp, RateLimit perSubject, int maxTrackedKeys) {
  public static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;
  private static final RateLimitsConfig NONE =
      new RateLimitsConfig(null, null, null, DEFAULT_MAX_TRACKED_KEYS);

  public RateLimitsConfig {
    Rules.require("maxTrackedKeys", Rules.TRACKED_KEYS.problem(maxTrackedKeys));
  }

  /** No limits. */
  public static RateLimitsConfig none() {
    return NONE;
  }
}
