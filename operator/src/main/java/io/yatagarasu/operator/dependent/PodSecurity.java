package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.yatagarasu.operator.crd.ContainerSecuritySettings;
import io.yatagarasu.operator.crd.PodSecuritySettings;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.crd.SeccompSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy pods' security contexts: the operator's restricted defaults with the spec's overrides
 * on top. The CRD's rules refuse an override that breaks the restricted Pod Security Standard; the
 * same checks run here for objects that reached the operator anyway (an API server that skipped the
 * rules); the Deployment then keeps the security contexts it has, and the fleet reports the
 * problem.
 */
public final class PodSecurity {
  static final long USER_ID = 65532L;
  static final String NET_BIND_SERVICE = "NET_BIND_SERVICE";

  private PodSecurity() {}

  /** What in the spec breaks the restricted profile, each naming its field; empty when nothing. */
  public static List<String> problems(S3ProxyConfigSpec spec) {
    List<String> problems = new ArrayList<>();
    PodSecuritySettings pod = spec.getPodSecurityContext();
    if (pod != null) {
      if (Boolean.FALSE.equals(pod.getRunAsNonRoot())) {
        problems.add(
            "spec.podSecurityContext.runAsNonRoot: false is not allowed by the restricted Pod Security Standard");
      }
      if (pod.getRunAsUser() != null && pod.getRunAsUser() == 0) {
        problems.add(
            "spec.podSecurityContext.runAsUser: 0 (root) is not allowed by the restricted Pod Security Standard");
      }
      seccomp("spec.podSecurityContext.seccompProfile", pod.getSeccompProfile(), problems);
    }
    ContainerSecuritySettings container = spec.getSecurityContext();
    if (container != null) {
      if (Boolean.TRUE.equals(container.getPrivileged())) {
        problems.add(
            "spec.securityContext.privileged: true is not allowed by the restricted Pod Security Standard");
      }
      if (Boolean.TRUE.equals(container.getAllowPrivilegeEscalation())) {
        problems.add(
            "spec.securityContext.allowPrivilegeEscalation: true is not allowed by the restricted Pod Security Standard");
      }
      if (Boolean.FALSE.equals(container.getRunAsNonRoot())) {
        problems.add(
            "spec.securityContext.runAsNonRoot: false is not allowed by the restricted Pod Security Standard");
      }
      if (container.getRunAsUser() != null && container.getRunAsUser() == 0) {
        problems.add(
            "spec.securityContext.runAsUser: 0 (root) is not allowed by the restricted Pod Security Standard");
      }
      if (container.getCapabilities() != null && container.getCapabilities().getAdd() != null) {
        for (String capability : container.getCapabilities().getAdd()) {
          if (!NET_BIND_SERVICE.equals(capability)) {
            problems.add(
                "spec.securityContext.capabilities.add: "
                    + capability
                    + " is not allowed by the restricted Pod Security Standard (only"
                    + " NET_BIND_SERVICE)");
          }
        }
      }
      seccomp("spec.securityContext.seccompProfile", container.getSeccompProfile(), problems);
    }
    return problems;
  }

  private static void seccomp(String path, SeccompSettings profile, List<String> problems) {
    if (profile == null) {
      return;
    }
    String type = profile.getType();
    if (!"RuntimeDefault".equals(type) && !"Localhost".equals(type)) {
      problems.add(
          path
              + ".type: "
              + type
              + " is not allowed by the restricted Pod Security Standard (RuntimeDefault or"
              + " Localhost)");
    } else if ("Localhost".equals(type)
        && (profile.getLocalhostProfile() == null || profile.getLocalhostProfile().isBlank())) {
      problems.add(path + ".localhostProfile: required with type Localhost");
    }
  }

  /** The pod's security context; the overrides apply only to a spec without {@link #problems}. */
  static PodSecurityContext pod(S3ProxyConfigSpec spec, boolean applyOverrides) {
    PodSecuritySettings o = applyOverrides ? spec.getPodSecurityContext() : null;
    PodSecurityContextBuilder pod =
        new PodSecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withRunAsUser(USER_ID)
            .withRunAsGroup(USER_ID)
            .withFsGroup(USER_ID)
            .withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build());
    if (o == null) {
      return pod.build();
    }
    if (o.getRunAsUser() != null) {
      pod.withRunAsUser(o.getRunAsUser());
    }
    if (o.getRunAsGroup() != null) {
      pod.withRunAsGroup(o.getRunAsGroup());
    }
    if (o.getFsGroup() != null) {
      pod.withFsGroup(o.getFsGroup());
    }
    if (o.getSupplementalGroups() != null && !o.getSupplementalGroups().isEmpty()) {
      pod.withSupplementalGroups(o.getSupplementalGroups());
    }
    if (o.getFsGroupChangePolicy() != null) {
      pod.withFsGroupChangePolicy(o.getFsGroupChangePolicy());
    }
    if (o.getSeccompProfile() != null) {
      pod.withSeccompProfile(profile(o.getSeccompProfile()));
    }
    return pod.build();
  }

  /** The proxy container's security context; overrides as in {@link #pod}. */
  static SecurityContext container(S3ProxyConfigSpec spec, boolean applyOverrides) {
    ContainerSecuritySettings o = applyOverrides ? spec.getSecurityContext() : null;
    SecurityContextBuilder container =
        new SecurityContextBuilder()
            .withReadOnlyRootFilesystem(true)
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities();
    if (o == null) {
      return container.build();
    }
    if (o.getPrivileged() != null) {
      container.withPrivileged(false);
    }
    if (o.getRunAsNonRoot() != null) {
      container.withRunAsNonRoot(true);
    }
    if (o.getRunAsUser() != null) {
      container.withRunAsUser(o.getRunAsUser());
    }
    if (o.getRunAsGroup() != null) {
      container.withRunAsGroup(o.getRunAsGroup());
    }
    if (o.getReadOnlyRootFilesystem() != null) {
      container.withReadOnlyRootFilesystem(o.getReadOnlyRootFilesystem());
    }
    if (o.getCapabilities() != null
        && o.getCapabilities().getAdd() != null
        && o.getCapabilities().getAdd().contains(NET_BIND_SERVICE)) {
      container.editCapabilities().withAdd(NET_BIND_SERVICE).endCapabilities();
    }
    if (o.getSeccompProfile() != null) {
      container.withSeccompProfile(profile(o.getSeccompProfile()));
    }
    return container.build();
  }

  private static SeccompProfile profile(SeccompSettings settings) {
    return new SeccompProfileBuilder()
        .withType(settings.getType())
        .withLocalhostProfile(
            "Localhost".equals(settings.getType()) ? settings.getLocalhostProfile() : null)
        .build();
  }
}
