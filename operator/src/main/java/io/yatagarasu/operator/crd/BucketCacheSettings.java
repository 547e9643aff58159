package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

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

  @JsonPropertyDescription(
      "Object keys (as clients name them under the pathPrefix, without a leading /) that every"
          + " proxy pod fetches into its cache after each configuration change, so the first"
          + " client finds them stored; needs the S3ProxyConfig's spec.cache.enabled. At most"
          + " 1000, unique, no . or .. segment.")
  @Size(max = 1000)
  private List<String> warm;

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

  public List<String> getWarm() {
    return warm;
  }

  public void setWarm(List<String> warm) {
    this.warm = warm;
  }
}
