package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.metrics.ProxyMetrics.BucketMeters;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.proxy.s3.CredentialSource;
import io.yatagarasu.proxy.s3.S3Target;

/** Everything a request routed to one bucket needs, derived once per configuration snapshot. */
public record BucketRoute(
    BucketConfig config,
    S3Target target,
    CredentialSource credentials,
    UpstreamEndpoint endpoint,
    BucketMeters meters,
    BucketPolicy policy) {

  public BucketRoute {
    requireNonNull(config, "config");
    requireNonNull(target, "target");
    requireNonNull(credentials, "credentials");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(meters, "meters");
    requireNonNull(policy, "policy");
  }

  public String name() {
    return config.name();
  }

  public String pathPrefix() {
    return config.pathPrefix();
  }
}
