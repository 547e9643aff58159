package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Fleet-wide rate limits, each enforced by every pod on its own share of the traffic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RateLimitsSettings {
  @JsonPropertyDescription("All requests of a pod together (default: no limit).")
  private RateLimitSettings global;

  @JsonPropertyDescription("Each client address, after server.trustedProxies (default: no limit).")
  private RateLimitSettings perClientIp;

  @JsonPropertyDescription("Each JWT subject (default: no limit).")
  private RateLimitSettings perSubject;

  @JsonPropertyDescription(
      "Client addresses and subjects tracked at once per pod; idle ones are forgotten (default"
          + " 100000).")
  @Min(1)
  @Max(10000000)
  private Integer maxTrackedKeys;

  public RateLimitSettings getGlobal() {
    return global;
  }

  public void setGlobal(RateLimitSettings global) {
    this.global = global;
  }

  public RateLimitSettings getPerClientIp() {
    return perClientIp;
  }

  public void setPerClientIp(RateLimitSettings perClientIp) {
    this.perClientIp = perClientIp;
  }

  public RateLimitSettings getPerSubject() {
    return perSubject;
  }

  public void setPerSubject(RateLimitSettings perSubject) {
    this.perSubject = perSubject;
  }

  public Integer getMaxTrackedKeys() {
    return maxTrackedKeys;
  }

  public void setMaxTrackedKeys(Integer maxTrackedKeys) {
    this.maxTrackedKeys = maxTrackedKeys;
  }
}
