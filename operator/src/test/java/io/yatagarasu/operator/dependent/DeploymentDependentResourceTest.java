package io.yatagarasu.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.PodLayout;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy pods a fleet's spec asks for. */
class DeploymentDependentResourceTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static Deployment desired(String yaml) {
    S3ProxyConfig fleet = SERIALIZATION.unmarshal(yaml, S3ProxyConfig.class);
    return new DeploymentDependentResource("example/proxy:0").desired(fleet, false);
  }

  private static final String HEAD =
      """
      apiVersion: yatagarasu.io/v1alpha1
      kind: S3ProxyConfig
      metadata: {name: edge, namespace: default}
      """;

  @Test
  void mountsTheOperatorsCopyOfTheTlsSecretAsAWholeVolumeSoTheKubeletCanSwapItsFiles() {
    PodSpec pod =
        desired(HEAD + "spec: {server: {tls: {secretName: edge-tls}}}")
            .getSpec()
            .getTemplate()
            .getSpec();
    Volume tls =
        pod.getVolumes().stream().filter(v -> v.getName().equals("tls")).findFirst().orElseThrow();
    assertThat(tls.getSecret().getSecretName())
        .as("the operator's verified copy, never the user's Secret itself")
        .isEqualTo("edge-proxy-tls");
    VolumeMount mount =
        pod.getContainers().get(0).getVolumeMounts().stream()
            .filter(m -> m.getName().equals("tls"))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo(PodLayout.TLS_DIR);
    assertThat(mount.getSubPath()).as("subPath mounts never see Secret updates").isNull();
    assertThat(mount.getReadOnly()).isTrue();
  }

  @Test
  void withoutTlsThereIsNoTlsVolume() {
    PodSpec pod = desired(HEAD + "spec: {}").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).noneMatch(v -> v.getName().equals("tls"));
  }

  @Test
  void carriesAffinitySpreadPriorityAndPullSecrets() {
    PodSpec pod =
        desired(
                HEAD
                    + """
                    spec:
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions: [{key: pool, operator: In, values: [edge]}]
                      topologySpreadConstraints:
                      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
                      - maxSkew: 2
                        topologyKey: kubernetes.io/hostname
                        whenUnsatisfiable: ScheduleAnyway
                        labelSelector: {matchLabels: {custom: x}}
                      priorityClassName: edge-critical
                      imagePullSecrets: [{name: registry}]
                    """)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .hasSize(1);
    assertThat(pod.getTopologySpreadConstraints()).hasSize(2);
    assertThat(pod.getTopologySpreadConstraints().get(0).getLabelSelector().getMatchLabels())
        .as("a constraint without labelSelector counts the fleet's own pods")
        .isEqualTo(
            Map.of(
                "app.kubernetes.io/name",
                "yatagarasu-proxy",
                "app.kubernetes.io/instance",
                "edge"));
    assertThat(pod.getTopologySpreadConstraints().get(1).getLabelSelector().getMatchLabels())
        .isEqualTo(Map.of("custom", "x"));
    assertThat(pod.getPriorityClassName()).isEqualTo("edge-critical");
    assertThat(pod.getImagePullSecrets()).extracting("name").containsExactly("registry");
  }
}
