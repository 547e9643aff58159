package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A HorizontalPodAutoscaler for the fleet's pods. While it is set the operator leaves the
 * Deployment's replica count to the autoscaler.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.minReplicas) || self.maxReplicas >= self.minReplicas",
    message = "autoscaling.maxReplicas must be at least autoscaling.minReplicas")
@ValidationRule(
    value =
        "has(self.targetCPUUtilizationPercentage) || has(self.targetMemoryUtilizationPercentage)"
            + " || has(self.podsMetric)",
    message =
        "autoscaling needs a target: targetCPUUtilizationPercentage,"
            + " targetMemoryUtilizationPercentage or podsMetric")
public class AutoscalingSettings {
  /** A per-pod metric served by a custom metrics adapter, e.g. the proxy's requests per second. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PodsMetric {
    @JsonPropertyDescription(
        "The metric's name as the custom metrics API serves it (e.g. what a prometheus-adapter"
            + " rule derives from yatagarasu_requests_seconds_count).")
    @Required
    @Size(min = 1, max = 253)
    private String name;

    @JsonPropertyDescription(
        "The per-pod average the autoscaler keeps the metric at, a quantity such as 200 or"
            + " 1500m.")
    @Required
    @Pattern(QUANTITY)
    private String averageValue;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getAverageValue() {
      return averageValue;
    }

    public void setAverageValue(String averageValue) {
      this.averageValue = averageValue;
    }
  }

  /** A positive Kubernetes quantity without exponent: 200, 1.5, 1500m, 2k. */
  static final String QUANTITY =
      "^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";

  @JsonPropertyDescription("The fewest pods the autoscaler keeps (default 1).")
  @Min(1)
  @Max(1000)
  private Integer minReplicas;

  @JsonPropertyDescription("The most pods the autoscaler starts.")
  @Required
  @Min(1)
  @Max(1000)
  private Integer maxReplicas;

  @JsonPropertyDescription(
      "Average CPU use of the proxy pods, in percent of their CPU request, the autoscaler aims"
          + " at; needs resources.requests.cpu.")
  @Min(1)
  @Max(100)
  private Integer targetCPUUtilizationPercentage;

  @JsonPropertyDescription(
      "Average memory use of the proxy pods, in percent of their memory request; needs"
          + " resources.requests.memory.")
  @Min(1)
  @Max(100)
  private Integer targetMemoryUtilizationPercentage;

  @JsonPropertyDescription(
      "A per-pod custom metric and its target average, such as requests per second.")
  private PodsMetric podsMetric;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetCPUUtilizationPercentage() {
    return targetCPUUtilizationPercentage;
  }

  public void setTargetCPUUtilizationPercentage(Integer targetCPUUtilizationPercentage) {
    this.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage;
  }

  public Integer getTargetMemoryUtilizationPercentage() {
    return targetMemoryUtilizationPercentage;
  }

  public void setTargetMemoryUtilizationPercentage(Integer targetMemoryUtilizationPercentage) {
    this.targetMemoryUtilizationPercentage = targetMemoryUtilizationPercentage;
  }

  public PodsMetric getPodsMetric() {
    return podsMetric;
  }

  public void setPodsMetric(PodsMetric podsMetric) {
    this.podsMetric = podsMetric;
  }
}
