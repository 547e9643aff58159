package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/**
 * The ServiceAccount the proxy pods run as: one the operator creates for the fleet (with the
 * annotations a cloud identity needs, e.g. IRSA's role ARN), or an existing one named here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.name) || !has(self.annotations)",
    message =
        "annotations apply only to the ServiceAccount the operator creates: set name or"
            + " annotations, not both")
public class ServiceAccountSettings {
  @JsonPropertyDescription(
      "An existing ServiceAccount in the fleet's namespace for the proxy pods; the operator"
          + " neither creates nor changes it. Unset: the operator creates and owns a"
          + " ServiceAccount named <fleet>-proxy.")
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String name;

  @JsonPropertyDescription(
      "Annotations of the ServiceAccount the operator creates, e.g. eks.amazonaws.com/role-arn"
          + " for IAM Roles for Service Accounts (IRSA).")
  private Map<String, String> annotations;

  @JsonPropertyDescription(
      "Mount the ServiceAccount's API token in the proxy pods. Default: true when a bucket of the"
          + " fleet uses credentials.podIdentity (the cloud identity webhooks and SDKs need it),"
          + " false otherwise (the proxy never calls the Kubernetes API).")
  private Boolean automountToken;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public Boolean getAutomountToken() {
    return automountToken;
  }

  public void setAutomountToken(Boolean automountToken) {
    this.automountToken = automountToken;
  }
}
