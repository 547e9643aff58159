package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.AutoscalingSettings;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * spec.autoscaling against the API server: the operator owns a HorizontalPodAutoscaler, leaves the
 * Deployment's replicas to it, keeps a PodDisruptionBudget while the range allows several pods, and
 * takes the replicas back when autoscaling is removed.
 */
@EnableKubernetesMockClient(crud = true)
class AutoscalingIT {
  static KubernetesClient client;
  static OperatorHarness harness;

  @BeforeAll
  static void startOperator() throws Exception {
    harness = OperatorHarness.start(client);
  }

  @AfterAll
  static void stopOperator() {
    harness.close();
  }

  static AutoscalingSettings range(int min, int max) {
    AutoscalingSettings autoscaling = new AutoscalingSettings();
    autoscaling.setMinReplicas(min);
    autoscaling.setMaxReplicas(max);
    autoscaling.setTargetCPUUtilizationPercentage(70);
    return autoscaling;
  }

  private static S3ProxyConfig autoscaled(String ns, int min, int max) {
    S3ProxyConfig fleet = fleet(ns, "edge", 0);
    fleet.getSpec().setReplicas(null);
    fleet.getSpec().setAutoscaling(range(min, max));
    return fleet;
  }

  private HorizontalPodAutoscaler hpa(String ns) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(ns)
        .withName("edge")
        .get();
  }

  private Deployment deployment(String ns) {
    return client.apps().deployments().inNamespace(ns).withName("edge").get();
  }

  private PodDisruptionBudget budget(String ns) {
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("edge").get();
  }

  @Test
  void ownsAnAutoscalerOfItsDeploymentAndStartsAtTheMinimum() {
    String ns = harness.newNamespace();
    S3ProxyConfig created = harness.create(autoscaled(ns, 2, 8));
    await().atMost(TIMEOUT).until(() -> hpa(ns) != null && deployment(ns) != null);
    HorizontalPodAutoscaler hpa = hpa(ns);
    assertThat(hpa.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid, OwnerReference::getKind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(created.getMetadata().getUid(), "S3ProxyConfig"));
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("edge");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
    assertThat(deployment(ns).getSpec().getReplicas()).isEqualTo(2);
    await().atMost(TIMEOUT).until(() -> budget(ns) != null);
    assertThat(budget(ns).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
  }

  @Test
  void replicasTheAutoscalerSetAreLeftAloneByLaterReconciles() {
    String ns = harness.newNamespace();
    harness.create(autoscaled(ns, 2, 8));
    await().atMost(TIMEOUT).until(() -> hpa(ns) != null && deployment(ns) != null);

    // The autoscaler scales the Deployment out.
    harness.edit(
        Deployment.class,
        ns,
        "edge",
        d -> {
          d.getSpec().setReplicas(5);
          return d;
        });
    // A fleet change makes the operator reconcile (and update the autoscaler) after that.
    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getAutoscaling().setMaxReplicas(12);
          return f;
        });
    await().atMost(TIMEOUT).until(() -> hpa(ns).getSpec().getMaxReplicas() == 12);
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleet(ns, "edge").getStatus().getObservedGeneration() == 2L);
    assertThat(deployment(ns).getSpec().getReplicas())
        .as("the autoscaler's choice survives the reconciles")
        .isEqualTo(5);
    assertThat(harness.fleetCondition(ns, "edge", "Ready").getMessage())
        .as("the wanted pod count is the autoscaler's")
        .contains("/5 proxy pods ready");
  }

  @Test
  void removingAutoscalingDeletesTheAutoscalerAndTheOperatorSetsTheReplicasAgain() {
    String ns = harness.newNamespace();
    harness.create(autoscaled(ns, 1, 4));
    await().atMost(TIMEOUT).until(() -> hpa(ns) != null && budget(ns) != null);

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().setAutoscaling(null);
          f.getSpec().setReplicas(3);
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(() -> hpa(ns) == null && deployment(ns).getSpec().getReplicas() == 3);
    assertThat(budget(ns)).isNotNull();
  }

  @Test
  void aRangeOfOnePodHasNoDisruptionBudget() {
    String ns = harness.newNamespace();
    harness.create(autoscaled(ns, 1, 1));
    await().atMost(TIMEOUT).until(() -> hpa(ns) != null);
    await().atMost(TIMEOUT).until(() -> harness.fleet(ns, "edge").getStatus() != null);
    assertThat(budget(ns)).isNull();

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getAutoscaling().setMaxReplicas(3);
          return f;
        });
    await().atMost(TIMEOUT).until(() -> budget(ns) != null);
  }
}
