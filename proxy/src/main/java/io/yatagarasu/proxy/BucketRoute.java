package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.metrics.ProxyMetrics.BucketMeters;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.proxy.s3.CredentialSource;
import io.yatagarasu.proxy.s3.S3Target;
import java.util.List;

/**
 * Everything a request routed to one bucket needs, derived once per configuration snapshot: its
 * upstreams (the primary target first, then the replicas to fail over to, in order), meters and
 * policy.
 */
public record BucketRoute(
    BucketConfig config, List<Upstream> upstreams, BucketMeters meters, BucketPolicy policy) {

  /** One place the bucket's objects can be fetched from. */
  public record Upstream(S3Target target, CredentialSource credentials, UpstreamEndpoint endpoint) {
    public Upstream {
      requireNonNull(target, "target");
      requireNonNull(credentials, "credentials");
      requireNonNull(endpoint, "endpoint");
    }
  }

  public BucketRoute {
    requireNonNull(config, "config");
    upstreams = List.copyOf(requireNonNull(upstreams, "upstreams"));
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("upstreams: must not be empty");
    }
    requireNonNull(meters, "meters");
    requireNonNull(policy, "policy");
  }

  /** The primary target. */
  public S3Target target() {
    return upstreams.get(0).target();
  }

  /** The primary target's credentials. */
  public CredentialSource credentials() {
    return upstreams.get(0).credentials();
  }

  /** The primary target's endpoint. */
  public UpstreamEndpoint endpoint() {
    return upstreams.get(0).endpoint();
  }

  public String name() {
    return config.name();
  }

  public String pathPrefix() {
    return config.pathPrefix();
  }
}
