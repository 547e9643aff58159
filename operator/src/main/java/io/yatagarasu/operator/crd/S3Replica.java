package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A failover target of a bucket: the same shape as the primary (S3 location and credentials), tried
 * in order when the primary fails before the first byte.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3Replica {
  @JsonPropertyDescription("The replica's S3 bucket name.")
  @Required
  @Size(min = 3, max = 63)
  private String bucket;

  @JsonPropertyDescription("The replica's region.")
  @Required
  @Pattern("^[a-z0-9-]+$")
  private String region;

  @JsonPropertyDescription("S3 endpoint URL without a path (default: AWS).")
  @Pattern("^https?://")
  private String endpoint;

  @JsonPropertyDescription("Path-style addressing (default: true with an endpoint, false without).")
  private Boolean pathStyle;

  @JsonPropertyDescription("Prepended to every object key (default: the primary's keyPrefix).")
  private String keyPrefix;

  @JsonPropertyDescription(
      "Credentials for the replica, same shape as the primary's (default: the primary's).")
  private S3ProxyBucketSpec.Credentials credentials;

  public String getBucket() {
    return bucket;
  }

  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Boolean getPathStyle() {
    return pathStyle;
  }

  public void setPathStyle(Boolean pathStyle) {
    this.pathStyle = pathStyle;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public S3ProxyBucketSpec.Credentials getCredentials() {
    return credentials;
  }

  public void setCredentials(S3ProxyBucketSpec.Credentials credentials) {
    this.credentials = credentials;
  }
}
