package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.ContainerSecuritySettings;
import io.yatagarasu.operator.crd.PodSecuritySettings;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security-context overrides through the operator: allowed ones reach the pod template; one that
 * breaks the restricted profile (on an API server that did not run the CRD's rules) is named on the
 * fleet's status and the pods keep what they have.
 */
@EnableKubernetesMockClient(crud = true)
class PodSecurityIT {
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

  private PodSpec podSpec(String ns) {
    var deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    return deployment == null ? null : deployment.getSpec().getTemplate().getSpec();
  }

  @Test
  void allowedOverridesReachThePodsAndABreakingOneIsNamedAndNotApplied() {
    String ns = harness.newNamespace();
    S3ProxyConfig fleet = fleet(ns, "edge", 2);
    PodSecuritySettings pod = new PodSecuritySettings();
    pod.setRunAsUser(10001L);
    pod.setFsGroup(10001L);
    fleet.getSpec().setPodSecurityContext(pod);
    harness.create(fleet);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                podSpec(ns) != null
                    && podSpec(ns).getSecurityContext().getRunAsUser() == 10001L
                    && harness.fleetVerdict(ns, "edge", "Degraded").equals("False AsExpected"));

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getPodSecurityContext().setRunAsUser(20002L);
          ContainerSecuritySettings container = new ContainerSecuritySettings();
          container.setPrivileged(true);
          f.getSpec().setSecurityContext(container);
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.fleetVerdict(ns, "edge", "Degraded")).isEqualTo("True Invalid");
              assertThat(harness.fleetCondition(ns, "edge", "Degraded").getMessage())
                  .contains("spec.securityContext.privileged: true is not allowed");
              assertThat(harness.fleet(ns, "edge").getStatus().getObservedGeneration())
                  .isEqualTo(2L);
            });
    PodSpec after = podSpec(ns);
    assertThat(after.getSecurityContext().getRunAsUser())
        .as("no override of the refused spec is applied")
        .isEqualTo(10001L);
    assertThat(after.getContainers().get(0).getSecurityContext().getPrivileged()).isNull();

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().setSecurityContext(null);
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                podSpec(ns).getSecurityContext().getRunAsUser() == 20002L
                    && harness.fleetVerdict(ns, "edge", "Degraded").equals("False AsExpected"));
  }
}
