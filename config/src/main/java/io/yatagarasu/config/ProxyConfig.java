package io.yatagarasu.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The whole configuration of one proxy: listeners, upstream defaults, logging and the buckets. */
public record ProxyConfig(
    ServerConfig server,
    AdminConfig admin,
    UpstreamConfig upstream,
    LoggingConfig logging,
    JwtConfig jwt,
    RateLimitsConfig rateLimits,
    CacheConfig cache,
    TracingConfig tracing,
    List<BucketConfig> buckets) {
  public ProxyConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(jwt, "jwt");
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(tracing, "tracing");
    buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
    requireUnique(buckets.stream().map(BucketConfig::name).toList(), "name");
    requireUnique(buckets.stream().map(BucketConfig::pathPrefix).toList(), "pathPrefix");
    for (int i = 0; i < buckets.size(); i++) {
      String problem = Rules.issuerReferences(buckets.get(i).auth(), jwt);
      if (problem != null) {
        throw new IllegalArgumentException("buckets[" + i + "].auth." + problem);
      }
      if (!cache.enabled() && !buckets.get(i).cache().warm().isEmpty()) {
        throw new IllegalArgumentException(
            "buckets[" + i + "].cache.warm: " + Rules.WARM_NEEDS_CACHE);
      }
    }
  }

  /** A configuration without tracing. */
  public ProxyConfig(
      ServerConfig server,
      AdminConfig admin,
      UpstreamConfig upstream,
      LoggingConfig logging,
      JwtConfig jwt,
      RateLimitsConfig rateLimits,
      CacheConfig cache,
      List<BucketConfig> buckets) {
    this(
        server,
        admin,
        upstream,
        logging,
        jwt,
        rateLimits,
        cache,
        TracingConfig.defaults(),
        buckets);
  }

  /** A configuration without an object cache. */
  public ProxyConfig(
      ServerConfig server,
      AdminConfig admin,
      UpstreamConfig upstream,
      LoggingConfig logging,
      JwtConfig jwt,
      RateLimitsConfig rateLimits,
      List<BucketConfig> buckets) {
    this(server, admin, upstream, logging, jwt, rateLimits, CacheConfig.defaults(), buckets);
  }

  /** A configuration without JWT issuers. */
  public ProxyConfig(
      ServerConfig server,
      AdminConfig admin,
      UpstreamConfig upstream,
      LoggingConfig logging,
      List<BucketConfig> buckets) {
    this(server, admin, upstream, logging, JwtConfig.defaults(), RateLimitsConfig.none(), buckets);
  }

  /** The upstream settings a bucket uses: its own override, or the proxy-wide ones. */
  public UpstreamConfig upstreamFor(BucketConfig bucket) {
    return bucket.upstream() != null ? bucket.upstream() : upstream;
  }

  /** A configuration without rate limits. */
  public ProxyConfig(
      ServerConfig server,
      AdminConfig admin,
      UpstreamConfig upstream,
      LoggingConfig logging,
      JwtConfig jwt,
      List<BucketConfig> buckets) {
    this(server, admin, upstream, logging, jwt, RateLimitsConfig.none(), buckets);
  }

  private static void requireUnique(List<String> values, String field) {
    Map<String, Integer> firstIndex = new HashMap<>(values.size() * 2);
    for (int i = 0; i < values.size(); i++) {
      Integer first = firstIndex.putIfAbsent(values.get(i), i);
      if (first != null) {
        throw new IllegalArgumentException(
            "buckets[" + i + "]." + field + ": " + Rules.duplicates("buckets[" + first + "]"));
      }
    }
  }
}
