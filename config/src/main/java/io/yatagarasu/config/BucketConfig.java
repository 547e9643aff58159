package io.yatagarasu.config;

import java.util.List;
import java.util.Objects;

/**
 * One route: requests under {@code pathPrefix} are served from {@code s3} after {@code auth}. The
 * prefix is stored without its trailing slash, except for the catch-all prefix {@code /}.
 */
public record BucketConfig(
    String name,
    String pathPrefix,
    S3Target s3,
    AuthConfig auth,
    List<String> ipAllow,
    List<String> ipDeny,
    CorsConfig cors,
    RateLimit rateLimit,
    UpstreamConfig upstream,
    BucketCacheConfig cache) {
  public BucketConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(cache, "cache");
    Rules.require("name", Rules.bucketName(name));
    Rules.require("pathPrefix", Rules.pathPrefix(pathPrefix));
    pathPrefix = Rules.normalisePrefix(pathPrefix);
    ipAllow = List.copyOf(Objects.requireNonNull(ipAllow, "ipAllow"));
    ipDeny = List.copyOf(Objects.requireNonNull(ipDeny, "ipDeny"));
    for (int i = 0; i < ipAllow.size(); i++) {
      Rules.require("ipAllow[" + i + "]", Rules.cidr(ipAllow.get(i)));
    }
    for (int i = 0; i < ipDeny.size(); i++) {
      Rules.require("ipDeny[" + i + "]", Rules.cidr(ipDeny.get(i)));
    }
  }

  /** A bucket open to every client address, without CORS. */
  public BucketConfig(String name, String pathPrefix, S3Target s3, AuthConfig auth) {
    this(name, pathPrefix, s3, auth, List.of(), List.of(), null, null, null);
  }

  /** A bucket without CORS. */
  public BucketConfig(
      String name,
      String pathPrefix,
      S3Target s3,
      AuthConfig auth,
      List<String> ipAllow,
      List<String> ipDeny) {
    this(name, pathPrefix, s3, auth, ipAllow, ipDeny, null, null, null);
  }

  /** A bucket without a rate limit of its own. */
  public BucketConfig(
      String name,
      String pathPrefix,
      S3Target s3,
      AuthConfig auth,
      List<String> ipAllow,
      List<String> ipDeny,
      CorsConfig cors) {
    this(name, pathPrefix, s3, auth, ipAllow, ipDeny, cors, null, null);
  }

  /** A bucket with the proxy-wide upstream settings. */
  public BucketConfig(
      String name,
      String pathPrefix,
      S3Target s3,
      AuthConfig auth,
      List<String> ipAllow,
      List<String> ipDeny,
      CorsConfig cors,
      RateLimit rateLimit) {
    this(name, pathPrefix, s3, auth, ipAllow, ipDeny, cors, rateLimit, null);
  }

  /** A bucket with the default cache settings. */
  public BucketConfig(
      String name,
      String pathPrefix,
      S3Target s3,
      AuthConfig auth,
      List<String> ipAllow,
      List<String> ipDeny,
      CorsConfig cors,
      RateLimit rateLimit,
      UpstreamConfig upstream) {
    this(
        name,
        pathPrefix,
        s3,
        auth,
        ipAllow,
        ipDeny,
        cors,
        rateLimit,
        upstream,
        BucketCacheConfig.defaults());
  }
}
