package io.yatagarasu.operator.runtime;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.yatagarasu.operator.OperatorHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionIT {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void onlyTheReplicaHoldingTheLeaseReconciles() throws Exception {
    // java-operator-sdk checks it may use Leases before electing; the mock cannot answer that.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    OperatorHarness.installCrds(client);
    OperatorHarness harness = OperatorHarness.startWithoutOperator(client);
    String system = harness.newNamespace();
    String ns = harness.newNamespace();
    try (YatagarasuOperator first = harness.newOperator(system, "operator-a");
        YatagarasuOperator second = harness.newOperator(system, "operator-b")) {
      first.start();
      await()
          .atMost(TIMEOUT)
          .until(() -> holder(system) != null && holder(system).equals("operator-a"));
      second.start();

      harness.create(fleet(ns, "edge", 1));
      await().atMost(TIMEOUT).until(() -> harness.configSecret(ns, "edge") != null);

      // The standby keeps waiting while the leader renews.
      await().pollDelay(Duration.ofSeconds(3)).atMost(TIMEOUT).until(() -> true);
      assertThat(holder(system)).isEqualTo("operator-a");
    }
  }

  private static String holder(String namespace) {
    Lease lease = client.leases().inNamespace(namespace).withName("yatagarasu-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
