package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What to purge and where. Exactly one target (a bucket, or a whole fleet) and at least one
 * selection (keys, prefixes, or all); fixed once created, like a Job's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.bucketRef) != has(self.proxyRef)",
    message = "set exactly one of bucketRef (one bucket) or proxyRef (every bucket of a fleet)")
@ValidationRule(
    value = "has(self.keys) || has(self.prefixes) || (has(self.all) && self.all)",
    message = "set keys, prefixes, or all: true")
@ValidationRule(
    value = "!(has(self.all) && self.all) || (!has(self.keys) && !has(self.prefixes))",
    message = "all: true purges everything; set keys and prefixes only without it")
@ValidationRule(
    value = "self == oldSelf",
    message = "spec is immutable: create a new S3ProxyCachePurge instead")
public class S3ProxyCachePurgeSpec {
  public static final int DEFAULT_DEADLINE_SECONDS = 300;
  public static final int DEFAULT_TTL_SECONDS_AFTER_FINISHED = 3600;

  /** An object in the purge's own namespace, by name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LocalRef {
    @JsonPropertyDescription("Name of the object, in the purge's namespace.")
    @Required
    @Size(min = 1, max = 253)
    private String name;

    public LocalRef() {}

    public LocalRef(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  @JsonPropertyDescription(
      "The S3ProxyBucket whose cached objects are purged, on every pod of the fleet it attaches"
          + " to.")
  private LocalRef bucketRef;

  @JsonPropertyDescription(
      "The S3ProxyConfig whose pods are purged, in every bucket of the fleet (instead of"
          + " bucketRef).")
  private LocalRef proxyRef;

  @JsonPropertyDescription(
      "Object keys to purge, as clients see them after the bucket's path prefix, without a"
          + " leading '/', e.g. img/logo.png.")
  @Size(min = 1, max = 100)
  @ValidationRule(
      value = "self.all(k, !k.startsWith('/'))",
      message = "a key is the path after the bucket's prefix and does not start with '/'")
  private List<@Size(min = 1, max = 1024) String> keys;

  @JsonPropertyDescription(
      "Key prefixes to purge: every cached object whose key starts with one of them, e.g. img/.")
  @Size(min = 1, max = 100)
  @ValidationRule(
      value = "self.all(p, !p.startsWith('/'))",
      message =
          "a prefix is a key prefix after the bucket's path prefix and does not start with"
              + " '/'")
  private List<@Size(min = 1, max = 1024) String> prefixes;

  @JsonPropertyDescription("Purge every cached object (of the bucket, or of the whole fleet).")
  private Boolean all;

  @JsonPropertyDescription(
      "Seconds from the start after which a purge that has not reached every pod is marked"
          + " Failed (default 300).")
  @Min(1)
  @Max(86400)
  @Default("300")
  private Integer deadlineSeconds;

  @JsonPropertyDescription(
      "Seconds after the purge completed or failed when it is deleted (default 3600; 0: at"
          + " once).")
  @Min(0)
  @Max(2592000)
  @Default("3600")
  private Integer ttlSecondsAfterFinished;

  public LocalRef getBucketRef() {
    return bucketRef;
  }

  public void setBucketRef(LocalRef bucketRef) {
    this.bucketRef = bucketRef;
  }

  public LocalRef getProxyRef() {
    return proxyRef;
  }

  public void setProxyRef(LocalRef proxyRef) {
    this.proxyRef = proxyRef;
  }

  public List<String> getKeys() {
    return keys;
  }

  public void setKeys(List<String> keys) {
    this.keys = keys;
  }

  public List<String> getPrefixes() {
    return prefixes;
  }

  public void setPrefixes(List<String> prefixes) {
    this.prefixes = prefixes;
  }

  public Boolean getAll() {
    return all;
  }

  public void setAll(Boolean all) {
    this.all = all;
  }

  public Integer getDeadlineSeconds() {
    return deadlineSeconds;
  }

  public void setDeadlineSeconds(Integer deadlineSeconds) {
    this.deadlineSeconds = deadlineSeconds;
  }

  public Integer getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Integer ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }
}
