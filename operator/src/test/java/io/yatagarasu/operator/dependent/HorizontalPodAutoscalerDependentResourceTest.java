package io.yatagarasu.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import org.junit.jupiter.api.Test;

/** The autoscaler a fleet's spec.autoscaling asks for, and what it leaves to the Deployment. */
class HorizontalPodAutoscalerDependentResourceTest {
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

  private static HorizontalPodAutoscaler autoscaler(String spec) {
    return new HorizontalPodAutoscalerDependentResource().desired(fleet(spec));
  }

  @Test
  void scalesTheFleetsDeploymentWithinTheRangeOnEveryTarget() {
    HorizontalPodAutoscaler hpa =
        autoscaler(
            """
            spec:
              resources: {requests: {cpu: 250m, memory: 256Mi}}
              autoscaling:
                minReplicas: 2
                maxReplicas: 10
                targetCPUUtilizationPercentage: 70
                targetMemoryUtilizationPercentage: 85
                podsMetric: {name: yatagarasu_requests_per_second, averageValue: "200"}
            """);
    assertThat(hpa.getMetadata().getName()).isEqualTo("edge");
    assertThat(hpa.getMetadata().getLabels())
        .containsEntry("yatagarasu.io/component", FleetNames.AUTOSCALER);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("edge");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    MetricSpec cpu = hpa.getSpec().getMetrics().get(0);
    assertThat(cpu.getResource().getName()).isEqualTo("cpu");
    assertThat(cpu.getResource().getTarget().getType()).isEqualTo("Utilization");
    assertThat(cpu.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
    MetricSpec memory = hpa.getSpec().getMetrics().get(1);
    assertThat(memory.getResource().getName()).isEqualTo("memory");
    assertThat(memory.getResource().getTarget().getAverageUtilization()).isEqualTo(85);
    MetricSpec pods = hpa.getSpec().getMetrics().get(2);
    assertThat(pods.getType()).isEqualTo("Pods");
    assertThat(pods.getPods().getMetric().getName()).isEqualTo("yatagarasu_requests_per_second");
    assertThat(pods.getPods().getTarget().getType()).isEqualTo("AverageValue");
    assertThat(pods.getPods().getTarget().getAverageValue().toString()).isEqualTo("200");
  }

  @Test
  void withoutATargetAimsAtTheAutoscalersDefaultCpuUse() {
    HorizontalPodAutoscaler hpa = autoscaler("spec: {autoscaling: {maxReplicas: 4}}");
    assertThat(hpa.getSpec().getMinReplicas()).as("the autoscaler's default").isEqualTo(1);
    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            m -> assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(80));
  }

  @Test
  void aMaximumBelowTheMinimumIsRaisedToIt() {
    // The CRD refuses it; the operator never sends an autoscaler the API server would refuse.
    HorizontalPodAutoscaler hpa =
        autoscaler("spec: {autoscaling: {minReplicas: 5, maxReplicas: 3}}");
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
  }

  @Test
  void theDeploymentKeepsTheReplicasTheAutoscalerChoseWithinItsRange() {
    S3ProxyConfig fleet =
        fleet(
            "spec: {autoscaling: {minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 60}}");
    assertThat(FleetSpecs.deploymentReplicas(fleet, null)).as("before the Deployment").isEqualTo(2);
    assertThat(FleetSpecs.deploymentReplicas(fleet, 5)).as("the autoscaler's choice").isEqualTo(5);
    assertThat(FleetSpecs.deploymentReplicas(fleet, 0))
        .as("an autoscaler never scales up from 0")
        .isEqualTo(2);
    assertThat(FleetSpecs.deploymentReplicas(fleet, 40)).isEqualTo(6);
    assertThat(new DeploymentDependentResource("example/proxy:0").desired(fleet, false, live(5)))
        .extracting(d -> d.getSpec().getReplicas())
        .isEqualTo(5);
  }

  private static io.fabric8.kubernetes.api.model.apps.Deployment live(int replicas) {
    return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  @Test
  void withoutAutoscalingTheSpecsReplicasWinOverTheLiveCount() {
    S3ProxyConfig fleet = fleet("spec: {replicas: 3}");
    assertThat(new DeploymentDependentResource("example/proxy:0").desired(fleet, false, live(7)))
        .extracting(d -> d.getSpec().getReplicas())
        .isEqualTo(3);
  }

  @Test
  void theDisruptionBudgetExistsWhileTheRangeAllowsSeveralPods() {
    assertThat(PodDisruptionBudgetDependentResource.wanted(fleet("spec: {replicas: 1}"))).isFalse();
    assertThat(PodDisruptionBudgetDependentResource.wanted(fleet("spec: {replicas: 2}"))).isTrue();
    assertThat(
            PodDisruptionBudgetDependentResource.wanted(
                fleet("spec: {autoscaling: {minReplicas: 1, maxReplicas: 1}}")))
        .isFalse();
    assertThat(
            PodDisruptionBudgetDependentResource.wanted(
                fleet("spec: {autoscaling: {minReplicas: 1, maxReplicas: 3}}")))
        .as("the autoscaler may add pods")
        .isTrue();
  }
}
