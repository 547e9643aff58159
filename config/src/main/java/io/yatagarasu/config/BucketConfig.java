package io.yatagarasu.config;

import java.util.Objects;

/**
 * One route: requests under {@code pathPrefix} are served from {@code s3} after {@code auth}. The
 * prefix is stored without its trailing slash, except for the catch-all prefix {@code /}.
 */
public record BucketConfig(String name, String pathPrefix, S3Target s3, AuthConfig auth) {
  public BucketConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(auth, "auth");
    Rules.require("name", Rules.bucketName(name));
    Rules.require("pathPrefix", Rules.pathPrefix(pathPrefix));
    pathPrefix = Rules.normalisePrefix(pathPrefix);
  }
}
