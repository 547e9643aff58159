package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A seccomp profile the restricted Pod Security Standard admits: RuntimeDefault or Localhost. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type == 'RuntimeDefault' || self.type == 'Localhost'",
    message =
        "seccompProfile.type must be RuntimeDefault or Localhost: the restricted Pod Security"
            + " Standard refuses Unconfined")
@ValidationRule(
    value = "(self.type == 'Localhost') == has(self.localhostProfile)",
    message = "seccompProfile.localhostProfile is required with type Localhost and only then")
public class SeccompSettings {
  @JsonPropertyDescription("RuntimeDefault or Localhost.")
  @Required
  private String type;

  @JsonPropertyDescription(
      "With Localhost: the profile's path relative to the kubelet's seccomp root.")
  @Size(min = 1, max = 4096)
  private String localhostProfile;

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public String getLocalhostProfile() {
    return localhostProfile;
  }

  public void setLocalhostProfile(String localhostProfile) {
    this.localhostProfile = localhostProfile;
  }
}
