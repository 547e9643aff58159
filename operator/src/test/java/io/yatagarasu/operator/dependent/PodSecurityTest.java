package io.yatagarasu.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Security-context overrides within the restricted Pod Security Standard, and nothing beyond. */
class PodSecurityTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String HEAD =
      """
      apiVersion: yatagarasu.io/v1alpha1
      kind: S3ProxyConfig
      metadata: {name: edge, namespace: default}
      """;

  private static S3ProxyConfig fleet(String spec) {
    return SERIALIZATION.unmarshal(HEAD + spec, S3ProxyConfig.class);
  }

  private static Deployment desired(S3ProxyConfig fleet, Deployment live) {
    return new DeploymentDependentResource("example/proxy:0").desired(fleet, false, live);
  }

  @Test
  void restrictedOverridesApplyOnTopOfTheDefaults() {
    S3ProxyConfig fleet =
        fleet(
            """
            spec:
              podSecurityContext:
                runAsUser: 1000
                runAsGroup: 3000
                fsGroup: 2000
                supplementalGroups: [4000]
                fsGroupChangePolicy: OnRootMismatch
                seccompProfile: {type: Localhost, localhostProfile: profiles/proxy.json}
              securityContext:
                runAsNonRoot: true
                allowPrivilegeEscalation: false
                privileged: false
                capabilities: {add: [NET_BIND_SERVICE]}
            """);
    assertThat(PodSecurity.problems(fleet.getSpec())).isEmpty();
    var pod = desired(fleet, null).getSpec().getTemplate().getSpec();
    PodSecurityContext podContext = pod.getSecurityContext();
    assertThat(podContext.getRunAsNonRoot()).isTrue();
    assertThat(podContext.getRunAsUser()).isEqualTo(1000L);
    assertThat(podContext.getRunAsGroup()).isEqualTo(3000L);
    assertThat(podContext.getFsGroup()).isEqualTo(2000L);
    assertThat(podContext.getSupplementalGroups()).containsExactly(4000L);
    assertThat(podContext.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    assertThat(podContext.getSeccompProfile().getType()).isEqualTo("Localhost");
    assertThat(podContext.getSeccompProfile().getLocalhostProfile())
        .isEqualTo("profiles/proxy.json");
    SecurityContext container = pod.getContainers().get(0).getSecurityContext();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getPrivileged()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");
  }

  @Test
  void withoutOverridesThePodsGetTheRestrictedDefaults() {
    var pod = desired(fleet("spec: {}"), null).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(PodSecurity.USER_ID);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    SecurityContext container = pod.getContainers().get(0).getSecurityContext();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getCapabilities().getAdd()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "securityContext: {privileged: true}|spec.securityContext.privileged",
        "securityContext: {allowPrivilegeEscalation: true}"
            + "|spec.securityContext.allowPrivilegeEscalation",
        "securityContext: {runAsNonRoot: false}|spec.securityContext.runAsNonRoot",
        "podSecurityContext: {runAsNonRoot: false}|spec.podSecurityContext.runAsNonRoot",
        "podSecurityContext: {runAsUser: 0}|spec.podSecurityContext.runAsUser",
        "securityContext: {capabilities: {add: [NET_BIND_SERVICE, SYS_ADMIN]}}"
            + "|spec.securityContext.capabilities.add: SYS_ADMIN",
        "podSecurityContext: {seccompProfile: {type: Unconfined}}"
            + "|spec.podSecurityContext.seccompProfile.type: Unconfined",
        "securityContext: {seccompProfile: {type: Localhost}}"
            + "|spec.securityContext.seccompProfile.localhostProfile",
      })
  void anOverrideThatBreaksTheRestrictedProfileIsNamedAndNotApplied(String spec, String field) {
    S3ProxyConfig fleet = fleet("spec: {" + spec + "}");
    assertThat(PodSecurity.problems(fleet.getSpec())).singleElement().asString().startsWith(field);

    Deployment live = desired(fleet("spec: {podSecurityContext: {runAsUser: 1000}}"), null);
    var pod = desired(fleet, live).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext())
        .as("the pods keep the security context they have")
        .isEqualTo(live.getSpec().getTemplate().getSpec().getSecurityContext());
    assertThat(pod.getContainers().get(0).getSecurityContext())
        .isEqualTo(
            live.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext());
    SecurityContext container = pod.getContainers().get(0).getSecurityContext();
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getAdd()).doesNotContain("SYS_ADMIN");

    var fresh = desired(fleet, null).getSpec().getTemplate().getSpec();
    assertThat(fresh.getSecurityContext().getRunAsUser())
        .as("a new Deployment gets the restricted defaults")
        .isEqualTo(PodSecurity.USER_ID);
  }
}
