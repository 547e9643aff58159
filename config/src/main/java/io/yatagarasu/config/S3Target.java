package io.yatagarasu.config;

import java.net.URI;
import java.util.Objects;

/**
 * Where a bucket's objects live: the S3 bucket, its region, an optional endpoint (null means the
 * AWS regional endpoint), the addressing style, a key prefix and optional static credentials (null
 * means the AWS default credentials chain).
 */
public record S3Target(
    String bucket,
    String region,
    URI endpoint,
    boolean pathStyle,
    String keyPrefix,
    S3Credentials credentials) {
  public S3Target {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Rules.require("bucket", Rules.s3Bucket(bucket));
    Rules.require("region", Rules.region(region));
    Rules.require("keyPrefix", Rules.keyPrefix(keyPrefix));
    if (endpoint != null) {
      Rules.require("endpoint", Rules.endpoint(endpoint));
      endpoint = Rules.normaliseEndpoint(endpoint);
    }
  }
}
