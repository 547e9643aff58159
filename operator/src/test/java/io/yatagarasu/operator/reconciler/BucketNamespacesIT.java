package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.BucketNamespaces;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class BucketNamespacesIT {
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

  private static S3ProxyBucket foreign(String ns, String name, String fleetNs, String prefix) {
    S3ProxyBucket bucket = bucket(ns, name, "edge", prefix, null);
    bucket.getSpec().getProxyRef().setNamespace(fleetNs);
    return bucket;
  }

  private static void setRule(String ns, BucketNamespaces rule) {
    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().setBucketNamespaces(rule);
          return f;
        });
  }

  @Test
  void sameRejectsOtherNamespacesAndAllAdmitsThem() {
    String platform = harness.newNamespace();
    String team = harness.newNamespace();
    harness.create(fleet(platform, "edge", 1));
    harness.create(foreign(team, "photos", platform, "/photos"));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(team, "photos", "Accepted").equals("False NotAllowed"));
    assertThat(harness.bucketCondition(team, "photos", "Accepted").getMessage())
        .contains("bucketNamespaces.from: Same");

    BucketNamespaces all = new BucketNamespaces();
    all.setFrom(BucketNamespaces.From.All);
    setRule(platform, all);

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(team, "photos", "Accepted").equals("True Accepted"));
    assertThat(harness.renderedDocument(platform, "edge"))
        .contains("\"name\": \"" + team + "-photos\"");
  }

  @Test
  void selectorAdmitsNamespacesOnceTheirLabelsMatch() {
    String platform = harness.newNamespace();
    String team = harness.newNamespace();
    BucketNamespaces selector = new BucketNamespaces();
    selector.setFrom(BucketNamespaces.From.Selector);
    selector.setSelector(
        new LabelSelectorBuilder().addToMatchLabels("edge-access", "granted").build());
    var fleet = fleet(platform, "edge", 1);
    fleet.getSpec().setBucketNamespaces(selector);
    harness.create(fleet);
    harness.create(foreign(team, "catalog", platform, "/catalog"));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(team, "catalog", "Accepted").equals("False NotAllowed"));
    assertThat(harness.bucketCondition(team, "catalog", "Accepted").getMessage())
        .contains("label namespace \"" + team + "\"");

    client
        .namespaces()
        .withName(team)
        .edit(
            n -> {
              n.getMetadata().setLabels(java.util.Map.of("edge-access", "granted"));
              return n;
            });

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(team, "catalog", "Accepted").equals("True Accepted"));
  }
}
