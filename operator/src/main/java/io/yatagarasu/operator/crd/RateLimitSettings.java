package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A token bucket: requestsPerSecond tokens refill up to burst; each request takes one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.requestsPerSecond > 0.0", message = "requestsPerSecond must be > 0")
public class RateLimitSettings {
  @JsonPropertyDescription("Sustained rate in requests per second (> 0, fractions allowed).")
  @Required
  @Max(1000000)
  private Double requestsPerSecond;

  @JsonPropertyDescription("Requests allowed at once after a quiet period.")
  @Required
  @Min(1)
  @Max(10000000)
  private Integer burst;

  public Double getRequestsPerSecond() {
    return requestsPerSecond;
  }

  public void setRequestsPerSecond(Double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  public Integer getBurst() {
    return burst;
  }

  public void setBurst(Integer burst) {
    this.burst = burst;
  }
}
