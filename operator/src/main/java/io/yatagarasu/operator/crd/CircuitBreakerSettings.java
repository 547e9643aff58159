package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** A circuit breaker per S3 endpoint; unset fields take the proxy's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CircuitBreakerSettings {
  @JsonPropertyDescription(
      "Opens at this percentage of failed requests in the window (default 50).")
  @Min(1)
  @Max(100)
  private Integer failureRatePercent;

  @JsonPropertyDescription("Requests needed in the window before it may open (default 20).")
  @Min(1)
  @Max(10000000)
  private Integer minimumRequests;

  @JsonPropertyDescription("The sliding window failures are counted in (default 10s).")
  @Pattern(Durations.PATTERN)
  private String window;

  @JsonPropertyDescription("How long it stays open, answering at once (default 30s).")
  @Pattern(Durations.PATTERN)
  private String openDuration;

  @JsonPropertyDescription("Probe requests let through before it closes again (default 3).")
  @Min(1)
  @Max(10)
  private Integer halfOpenProbes;

  public Integer getFailureRatePercent() {
    return failureRatePercent;
  }

  public void setFailureRatePercent(Integer failureRatePercent) {
    this.failureRatePercent = failureRatePercent;
  }

  public Integer getMinimumRequests() {
    return minimumRequests;
  }

  public void setMinimumRequests(Integer minimumRequests) {
    this.minimumRequests = minimumRequests;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public String getOpenDuration() {
    return openDuration;
  }

  public void setOpenDuration(String openDuration) {
    this.openDuration = openDuration;
  }

  public Integer getHalfOpenProbes() {
    return halfOpenProbes;
  }

  public void setHalfOpenProbes(Integer halfOpenProbes) {
    this.halfOpenProbes = halfOpenProbes;
  }
}
