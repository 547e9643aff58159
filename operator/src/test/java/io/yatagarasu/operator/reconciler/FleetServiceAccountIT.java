package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.credentials;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.ServiceAccountSettings;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A fleet's pods run as their own ServiceAccount (IRSA, EKS Pod Identity) or a named one. */
@EnableKubernetesMockClient(crud = true)
class FleetServiceAccountIT {
  private static final String ROLE = "eks.amazonaws.com/role-arn";
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

  private ServiceAccount account(String ns, String name) {
    return client.serviceAccounts().inNamespace(ns).withName(name).get();
  }

  private PodSpec pods(String ns) {
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    return deployment == null ? null : deployment.getSpec().getTemplate().getSpec();
  }

  @Test
  void ownedAccountFollowsTheSpecAndTokenMountsOncePodIdentityIsUsed() {
    String ns = harness.newNamespace();
    S3ProxyConfig edge = fleet(ns, "edge", 2);
    ServiceAccountSettings settings = new ServiceAccountSettings();
    settings.setAnnotations(Map.of(ROLE, "arn:aws:iam::111122223333:role/edge-reader"));
    edge.getSpec().setServiceAccount(settings);
    String uid = harness.create(edge).getMetadata().getUid();
    harness.create(credentials(ns, "photos-creds", "photos-secret", true));
    harness.create(bucket(ns, "photos", "edge", "/photos", "photos-creds"));

    await().atMost(TIMEOUT).until(() -> account(ns, "edge-proxy") != null && pods(ns) != null);
    ServiceAccount owned = account(ns, "edge-proxy");
    assertThat(owned.getMetadata().getAnnotations())
        .containsEntry(ROLE, "arn:aws:iam::111122223333:role/edge-reader");
    assertThat(owned.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid)
        .containsExactly(uid);
    assertThat(pods(ns).getServiceAccountName()).isEqualTo("edge-proxy");
    assertThat(pods(ns).getAutomountServiceAccountToken()).isFalse();

    harness.create(bucket(ns, "assets", "edge", "/assets", null));
    await().atMost(TIMEOUT).until(() -> pods(ns).getAutomountServiceAccountToken());

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec()
              .getServiceAccount()
              .setAnnotations(Map.of(ROLE, "arn:aws:iam::111122223333:role/edge-writer"));
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "arn:aws:iam::111122223333:role/edge-writer"
                    .equals(account(ns, "edge-proxy").getMetadata().getAnnotations().get(ROLE)));

    // Removing the annotation from the spec removes it from the account; an annotation another
    // controller added stays.
    harness.edit(
        ServiceAccount.class,
        ns,
        "edge-proxy",
        a -> {
          a.getMetadata().getAnnotations().put("example.com/added-by", "another-controller");
          return a;
        });
    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getServiceAccount().setAnnotations(null);
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              Map<String, String> annotations =
                  account(ns, "edge-proxy").getMetadata().getAnnotations();
              return !annotations.containsKey(ROLE)
                  && "another-controller".equals(annotations.get("example.com/added-by"));
            });
  }

  @Test
  void namedAccountReplacesTheOwnedOneAndIsLeftUntouched() {
    String ns = harness.newNamespace();
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("storage-reader")
                .addToAnnotations(ROLE, "arn:aws:iam::111122223333:role/shared")
                .endMetadata()
                .build())
        .create();
    harness.create(fleet(ns, "edge", 1));
    await().atMost(TIMEOUT).until(() -> account(ns, "edge-proxy") != null && pods(ns) != null);

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          ServiceAccountSettings named = new ServiceAccountSettings();
          named.setName("storage-reader");
          f.getSpec().setServiceAccount(named);
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "storage-reader".equals(pods(ns).getServiceAccountName())
                    && account(ns, "edge-proxy") == null);
    ServiceAccount named = account(ns, "storage-reader");
    assertThat(named.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(named.getMetadata().getAnnotations())
        .containsExactly(Map.entry(ROLE, "arn:aws:iam::111122223333:role/shared"));
  }
}
