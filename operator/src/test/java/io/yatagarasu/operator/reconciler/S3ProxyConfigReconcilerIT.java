package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.credentials;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.PodLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class S3ProxyConfigReconcilerIT {
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

  @Test
  void createsOwnedObjectsAndRendersTheSnapshot() {
    String ns = harness.newNamespace();
    harness.create(credentials(ns, "photos-creds", "photos-secret", true));
    S3ProxyConfig created = harness.create(fleet(ns, "edge", 2));
    harness.create(bucket(ns, "photos", "edge", "/photos", "photos-creds"));

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && harness.renderedDocument(ns, "edge").contains("/photos"));
    assertThat(harness.renderedDocument(ns, "edge"))
        .contains("\"generation\": ", "\"pathPrefix\": \"/photos\"", "photos-secret")
        .contains("\"tokenFile\": \"" + PodLayout.ADMIN_TOKEN_FILE + "\"");

    String uid = created.getMetadata().getUid();
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    Service service = client.services().inNamespace(ns).withName("edge").get();
    Secret token = client.secrets().inNamespace(ns).withName("edge-admin-token").get();
    PodDisruptionBudget budget =
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("edge").get();
    for (HasMetadata owned :
        new HasMetadata[] {deployment, service, token, budget, harness.configSecret(ns, "edge")}) {
      assertThat(owned).as("owned object").isNotNull();
      assertThat(owned.getMetadata().getOwnerReferences())
          .extracting(OwnerReference::getUid, OwnerReference::getKind)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(uid, "S3ProxyConfig"));
    }
    assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              S3ProxyConfig fleet = harness.fleet(ns, "edge");
              assertThat(fleet.getStatus().getObservedGeneration()).isEqualTo(1L);
              assertThat(fleet.getStatus().getConfigGeneration())
                  .isEqualTo(harness.storedGeneration(ns, "edge"));
              assertThat(fleet.getStatus().getBuckets().getAccepted()).isEqualTo(1);
              assertThat(harness.fleetVerdict(ns, "edge", "Ready")).isEqualTo("False PodsNotReady");
              assertThat(harness.fleetVerdict(ns, "edge", "Programmed"))
                  .isEqualTo("Unknown NotPushed");
              assertThat(harness.fleetVerdict(ns, "edge", "Degraded"))
                  .isEqualTo("False AsExpected");
              assertThat(harness.bucketVerdict(ns, "photos", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.bucketVerdict(ns, "photos", "ResolvedRefs"))
                  .isEqualTo("True ResolvedRefs");
              assertThat(harness.bucket(ns, "photos").getStatus().getObservedGeneration())
                  .isEqualTo(1L);
            });
  }

  @Test
  void readyFollowsTheDeploymentsReadyPods() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 2));
    await()
        .atMost(TIMEOUT)
        .until(() -> client.apps().deployments().inNamespace(ns).withName("edge").get() != null);
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    deployment.setStatus(
        new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(2).build());
    client.apps().deployments().inNamespace(ns).resource(deployment).updateStatus();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.fleetVerdict(ns, "edge", "Ready")).isEqualTo("True PodsReady");
              assertThat(harness.fleet(ns, "edge").getStatus().getReadyReplicas()).isEqualTo(2);
            });
  }
}
