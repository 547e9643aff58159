package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class OperatorRestartIT {
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
  void restartKeepsTheGenerationAndTheNextChangeRaisesIt() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "one", "edge", "/one", null));
    harness.create(bucket(ns, "two", "edge", "/two", null));
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () ->
                harness.bucketVerdict(ns, "two", "Accepted").equals("True Accepted")
                    && harness.bucketVerdict(ns, "one", "Accepted").equals("True Accepted"));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.statusGeneration(ns, "edge") == harness.storedGeneration(ns, "edge"));
    long generation = harness.storedGeneration(ns, "edge");
    String hash = harness.fleet(ns, "edge").getStatus().getConfigHash();
    String secretVersion = harness.configSecret(ns, "edge").getMetadata().getResourceVersion();

    harness.stopOperator();
    harness.startOperator();

    // After the restart the fleet is reconciled again (a spec-less touch would not bump the
    // generation): wait for a fresh render by adding and removing nothing but an annotation.
    harness.edit(
        S3ProxyBucket.class,
        ns,
        "one",
        b -> {
          b.getMetadata().setAnnotations(java.util.Map.of("touched", "yes"));
          return b;
        });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.storedGeneration(ns, "edge")).isEqualTo(generation);
              assertThat(harness.fleet(ns, "edge").getStatus().getConfigGeneration())
                  .isEqualTo(generation);
              assertThat(harness.fleet(ns, "edge").getStatus().getConfigHash()).isEqualTo(hash);
            });
    assertThat(harness.configSecret(ns, "edge").getMetadata().getResourceVersion())
        .isEqualTo(secretVersion);

    client.resources(S3ProxyBucket.class).inNamespace(ns).withName("two").delete();

    await().atMost(TIMEOUT).until(() -> harness.storedGeneration(ns, "edge") == generation + 1);
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleet(ns, "edge").getStatus().getConfigGeneration() == generation + 1);
  }

  @Test
  void restartWithTheConfigSecretGoneKeepsTheGenerationFromStatus() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "one", "edge", "/one", null));
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () ->
                harness.renderedDocument(ns, "edge").contains("/one")
                    && harness.statusGeneration(ns, "edge")
                        == harness.storedGeneration(ns, "edge"));
    long generation = harness.storedGeneration(ns, "edge");

    harness.stopOperator();
    client.secrets().inNamespace(ns).withName("edge-config").delete();
    await().atMost(TIMEOUT).until(() -> harness.configSecret(ns, "edge") == null);
    harness.startOperator();

    await().atMost(TIMEOUT).until(() -> harness.configSecret(ns, "edge") != null);
    assertThat(harness.storedGeneration(ns, "edge")).isEqualTo(generation);
  }
}
