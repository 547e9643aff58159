package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Overrides of the proxy container's security context, limited to what the restricted Pod Security
 * Standard admits. Every capability stays dropped (ALL); only NET_BIND_SERVICE may be added back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.privileged) || !self.privileged",
    message = "securityContext.privileged: true breaks the restricted Pod Security Standard")
@ValidationRule(
    value = "!has(self.allowPrivilegeEscalation) || !self.allowPrivilegeEscalation",
    message =
        "securityContext.allowPrivilegeEscalation: true breaks the restricted Pod Security"
            + " Standard")
@ValidationRule(
    value = "!has(self.runAsNonRoot) || self.runAsNonRoot",
    message = "securityContext.runAsNonRoot: false breaks the restricted Pod Security Standard")
public class ContainerSecuritySettings {
  /** Capabilities added back after ALL are dropped. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.add) || self.add.all(c, c == 'NET_BIND_SERVICE')",
      message =
          "securityContext.capabilities.add: the restricted Pod Security Standard allows only"
              + " NET_BIND_SERVICE")
  public static class Capabilities {
    @JsonPropertyDescription("Only NET_BIND_SERVICE (to listen on a port below 1024).")
    private List<String> add;

    public List<String> getAdd() {
      return add;
    }

    public void setAdd(List<String> add) {
      this.add = add;
    }
  }

  @JsonPropertyDescription("Must be false when set.")
  private Boolean privileged;

  @JsonPropertyDescription("Must be false when set (the operator always sets false).")
  private Boolean allowPrivilegeEscalation;

  @JsonPropertyDescription("Must be true when set.")
  private Boolean runAsNonRoot;

  @JsonPropertyDescription("User id of the proxy container, over the pod's; 0 (root) is refused.")
  @Min(1)
  @Max(PodSecuritySettings.MAX_ID)
  private Long runAsUser;

  @JsonPropertyDescription("Primary group id of the proxy container, over the pod's.")
  @Min(0)
  @Max(PodSecuritySettings.MAX_ID)
  private Long runAsGroup;

  @JsonPropertyDescription("Read-only root filesystem (default true; /tmp is a writable emptyDir).")
  private Boolean readOnlyRootFilesystem;

  @JsonPropertyDescription("Capabilities added back; every other one stays dropped.")
  private Capabilities capabilities;

  @JsonPropertyDescription("The container's seccomp profile, over the pod's.")
  private SeccompSettings seccompProfile;

  public Boolean getPrivileged() {
    return privileged;
  }

  public void setPrivileged(Boolean privileged) {
    this.privileged = privileged;
  }

  public Boolean getAllowPrivilegeEscalation() {
    return allowPrivilegeEscalation;
  }

  public void setAllowPrivilegeEscalation(Boolean allowPrivilegeEscalation) {
    this.allowPrivilegeEscalation = allowPrivilegeEscalation;
  }

  public Boolean getRunAsNonRoot() {
    return runAsNonRoot;
  }

  public void setRunAsNonRoot(Boolean runAsNonRoot) {
    this.runAsNonRoot = runAsNonRoot;
  }

  public Long getRunAsUser() {
    return runAsUser;
  }

  public void setRunAsUser(Long runAsUser) {
    this.runAsUser = runAsUser;
  }

  public Long getRunAsGroup() {
    return runAsGroup;
  }

  public void setRunAsGroup(Long runAsGroup) {
    this.runAsGroup = runAsGroup;
  }

  public Boolean getReadOnlyRootFilesystem() {
    return readOnlyRootFilesystem;
  }

  public void setReadOnlyRootFilesystem(Boolean readOnlyRootFilesystem) {
    this.readOnlyRootFilesystem = readOnlyRootFilesystem;
  }

  public Capabilities getCapabilities() {
    return capabilities;
  }

  public void setCapabilities(Capabilities capabilities) {
    this.capabilities = capabilities;
  }

  public SeccompSettings getSeccompProfile() {
    return seccompProfile;
  }

  public void setSeccompProfile(SeccompSettings seccompProfile) {
    this.seccompProfile = seccompProfile;
  }
}
