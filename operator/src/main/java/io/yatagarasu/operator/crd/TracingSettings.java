package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;

/** OpenTelemetry tracing of every pod: off unless enabled; spans go by OTLP/HTTP to endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TracingSettings {
  @JsonPropertyDescription("Turns tracing on (default false).")
  private Boolean enabled;

  @JsonPropertyDescription(
      "The collector's OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces (default:"
          + " the pods' OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, else"
          + " http://localhost:4318/v1/traces).")
  @Pattern("^https?://.+$")
  private String endpoint;

  @JsonPropertyDescription(
      "The share of new traces kept, 0..1 (default 1); a client's traceparent decision is"
          + " followed.")
  @Min(0)
  @Max(1)
  private Double samplingRatio;

  @JsonPropertyDescription(
      "service.name of the spans (default: the pods' OTEL_SERVICE_NAME, else yatagarasu).")
  private String serviceName;

  @JsonPropertyDescription(
      "Resource attributes of the spans, added over the pods' OTEL_RESOURCE_ATTRIBUTES.")
  private Map<String, String> resourceAttributes;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  public Double getSamplingRatio() {
    return samplingRatio;
  }

  public void setSamplingRatio(Double samplingRatio) {
    this.samplingRatio = samplingRatio;
  }

  public String getServiceName() {
    return serviceName;
  }

  public void setServiceName(String serviceName) {
    this.serviceName = serviceName;
  }

  public Map<String, String> getResourceAttributes() {
    return resourceAttributes;
  }

  public void setResourceAttributes(Map<String, String> resourceAttributes) {
    this.resourceAttributes = resourceAttributes;
  }
}
