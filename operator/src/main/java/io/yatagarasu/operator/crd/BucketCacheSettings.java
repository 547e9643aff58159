package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Quantity;

/** How one bucket uses the fleet's object cache (spec.cache of its S3ProxyConfig). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BucketCacheSettings {
  @JsonPropertyDescription("false keeps this bucket's objects out of the cache (default true).")
  private Boolean enabled;

  @JsonPropertyDescription(
      "How long a response stays fresh when S3 sends no Cache-Control max-age or Expires,"
          + " 0s..365d (default 60s).")
  @Pattern(Durations.PATTERN)
  private String ttl;

  @JsonPropertyDescription(
      "Larger objects are streamed and never kept, as a quantity: 1..1Gi (default 8Mi).")
  private Quantity maxObjectSize;

  @JsonPropertyDescription(
      "A stale entry younger than this answers when S3 fails, 0s..365d (default 0s: off).")
  @Pattern(Durations.PATTERN)
  private String staleIfError;

  @JsonPropertyDescription("How long a 404 from S3 is remembered, 0s..365d (default 0s: off).")
  @Pattern(Durations.PATTERN)
  private String notFoundTtl;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
  }

  public Quantity getMaxObjectSize() {
    return maxObjectSize;
  }

  public void setMaxObjectSize(Quantity maxObjectSize) {
    this.maxObjectSize = maxObjectSize;
  }

  public String getStaleIfError() {
    return staleIfError;
  }

  public void setStaleIfError(String staleIfError) {
    this.staleIfError = staleIfError;
  }

  public String getNotFoundTtl() {
    return notFoundTtl;
  }

  public void setNotFoundTtl(String notFoundTtl) {
    this.notFoundTtl = notFoundTtl;
  }
}
