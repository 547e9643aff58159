package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The Service in front of a fleet's pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.httpPort) || !has(self.adminPort) || self.httpPort != self.adminPort",
    message = "httpPort and adminPort must differ")
public class ServiceSettings {
  /** The Service types a fleet may use. */
  public enum Type {
    ClusterIP,
    NodePort,
    LoadBalancer
  }

  @JsonPropertyDescription("Service type: ClusterIP (default), NodePort or LoadBalancer.")
  private Type type;

  @JsonPropertyDescription("Service port of the data listener, named http (default 80).")
  @Min(1)
  @Max(65535)
  private Integer httpPort;

  @JsonPropertyDescription(
      "Service port of the admin listener (metrics, health), named admin (default 9090).")
  @Min(1)
  @Max(65535)
  private Integer adminPort;

  @JsonPropertyDescription("Annotations on the Service, e.g. for a cloud load balancer.")
  private Map<String, String> annotations;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Integer getHttpPort() {
    return httpPort;
  }

  public void setHttpPort(Integer httpPort) {
    this.httpPort = httpPort;
  }

  public Integer getAdminPort() {
    return adminPort;
  }

  public void setAdminPort(Integer adminPort) {
    this.adminPort = adminPort;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
