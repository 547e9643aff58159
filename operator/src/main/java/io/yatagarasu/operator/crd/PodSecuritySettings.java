package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Overrides of the proxy pods' security context, limited to what the restricted Pod Security
 * Standard admits; unset fields keep the operator's defaults (user and group 65532, non-root,
 * RuntimeDefault seccomp).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.runAsNonRoot) || self.runAsNonRoot",
    message = "podSecurityContext.runAsNonRoot: false breaks the restricted Pod Security Standard")
public class PodSecuritySettings {
  /** The largest user or group id Kubernetes accepts. */
  static final long MAX_ID = 2147483647L;

  @JsonPropertyDescription("Must be true when set: the proxy never runs as root.")
  private Boolean runAsNonRoot;

  @JsonPropertyDescription("User id of the proxy process (default 65532); 0 (root) is refused.")
  @Min(1)
  @Max(MAX_ID)
  private Long runAsUser;

  @JsonPropertyDescription("Primary group id of the proxy process (default 65532).")
  @Min(0)
  @Max(MAX_ID)
  private Long runAsGroup;

  @JsonPropertyDescription("Group that owns the mounted volumes (default 65532).")
  @Min(0)
  @Max(MAX_ID)
  private Long fsGroup;

  @JsonPropertyDescription("Further group ids of the proxy process.")
  private List<Long> supplementalGroups;

  @JsonPropertyDescription("OnRootMismatch or Always: when volume ownership is changed to fsGroup.")
  @io.fabric8.generator.annotation.Pattern("^(OnRootMismatch|Always)$")
  private String fsGroupChangePolicy;

  @JsonPropertyDescription("The pods' seccomp profile (default RuntimeDefault).")
  private SeccompSettings seccompProfile;

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

  public Long getFsGroup() {
    return fsGroup;
  }

  public void setFsGroup(Long fsGroup) {
    this.fsGroup = fsGroup;
  }

  public List<Long> getSupplementalGroups() {
    return supplementalGroups;
  }

  public void setSupplementalGroups(List<Long> supplementalGroups) {
    this.supplementalGroups = supplementalGroups;
  }

  public String getFsGroupChangePolicy() {
    return fsGroupChangePolicy;
  }

  public void setFsGroupChangePolicy(String fsGroupChangePolicy) {
    this.fsGroupChangePolicy = fsGroupChangePolicy;
  }

  public SeccompSettings getSeccompProfile() {
    return seccompProfile;
  }

  public void setSeccompProfile(SeccompSettings seccompProfile) {
    this.seccompProfile = seccompProfile;
  }
}
