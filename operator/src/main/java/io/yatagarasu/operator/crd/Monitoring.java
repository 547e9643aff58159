package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

/** Prometheus Operator integration of a fleet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Monitoring {
  /** A ServiceMonitor that scrapes the admin port's /metrics. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ServiceMonitorSettings {
    @JsonPropertyDescription(
        "Create a ServiceMonitor (needs the Prometheus Operator CRDs; default false).")
    private Boolean enabled;

    @JsonPropertyDescription("Scrape interval (default 30s).")
    @Pattern("^[0-9]+(ms|s|m|h)$")
    private String interval;

    @JsonPropertyDescription("Labels on the ServiceMonitor, e.g. to match a Prometheus selector.")
    private Map<String, String> labels;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public String getInterval() {
      return interval;
    }

    public void setInterval(String interval) {
      this.interval = interval;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }
  }

  @JsonPropertyDescription("The ServiceMonitor of the fleet.")
  private ServiceMonitorSettings serviceMonitor;

  public ServiceMonitorSettings getServiceMonitor() {
    return serviceMonitor;
  }

  public void setServiceMonitor(ServiceMonitorSettings serviceMonitor) {
    this.serviceMonitor = serviceMonitor;
  }
}
