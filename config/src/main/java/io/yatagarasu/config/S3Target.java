package io.yatagarasu.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where a bucket's objects live: the S3 bucket, its region, an optional endpoint (null means the
 * AWS regional endpoint), the addressing style, a key prefix, optional static credentials (null
 * means the AWS default credentials chain), and replicas tried in order when this target fails
 * before the first byte.
 */
public record S3Target(
    String bucket,
    String region,
    URI endpoint,
    boolean pathStyle,
    String keyPrefix,
    S3Credentials credentials,
    List<S3Target> replicas) {
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
    replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
    for (int i = 0; i < replicas.size(); i++) {
      if (!replicas.get(i).replicas().isEmpty()) {
        throw new IllegalArgumentException(
            "replicas[" + i + "].replicas: a replica has no replicas of its own");
      }
    }
  }

  /** A target without replicas. */
  public S3Target(
      String bucket,
      String region,
      URI endpoint,
      boolean pathStyle,
      String keyPrefix,
      S3Credentials credentials) {
    this(bucket, region, endpoint, pathStyle, keyPrefix, credentials, List.of());
  }
}
