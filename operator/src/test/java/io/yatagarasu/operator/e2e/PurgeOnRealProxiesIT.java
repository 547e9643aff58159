package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyCachePurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.PodPurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.Result;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.status.Conditions;
import io.yatagarasu.testkit.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A purge reaches real proxy processes (one per Pod on 127.0.0.x, booted from the rendered-config
 * Secret, with the fleet's admin token mounted) through their admin listeners: every pod that was
 * ready answers, and the purge completes 3/3 while the pods keep serving.
 */
@EnableKubernetesMockClient(crud = true)
class PurgeOnRealProxiesIT {
  static KubernetesClient client;
  static OperatorHarness harness;
  static S3ProxyServer store;
  static Path root;
  private Kubelet kubelet;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("yatagarasu-pods");
    store = Fleets.store("photos");
    harness =
        OperatorHarness.start(
            client,
            DistributorSettings.defaults()
                .withView(Kubelet.view(root))
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
  }

  @AfterAll
  static void stop() {
    harness.close();
    store.close();
  }

  @AfterEach
  void stopPods() {
    if (kubelet != null) {
      kubelet.close();
    }
  }

  @Test
  void aPurgeReachesEveryReadyProxyAndCompletesThreeOfThree() throws Exception {
    String ns = harness.newNamespace();
    harness.create(Fleets.credentials(ns, "store-creds", store.accessKey(), store.secretKey()));
    harness.create(Fleets.fleet(ns, "edge", 3));
    harness.create(Fleets.bucket(ns, "photos", "edge", "/photos", "store-creds", "photos", store));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null
                    && harness.renderedDocument(ns, "edge").contains("/photos"));
    kubelet = new Kubelet(client, ns, "edge", root);
    kubelet.start("edge-a", "127.0.0.12");
    kubelet.start("edge-b", "127.0.0.13");
    kubelet.start("edge-c", "127.0.0.14");
    for (String pod : List.of("edge-a", "edge-b", "edge-c")) {
      assertThat(Fleets.get(kubelet.base(pod) + "/photos/hello.txt").body())
          .isEqualTo("hello from photos");
    }

    S3ProxyCachePurge purge = new S3ProxyCachePurge();
    purge.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("hello").build());
    S3ProxyCachePurgeSpec spec = new S3ProxyCachePurgeSpec();
    spec.setBucketRef(new S3ProxyCachePurgeSpec.LocalRef("photos"));
    spec.setKeys(List.of("hello.txt"));
    purge.setSpec(spec);
    harness.create(purge);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              S3ProxyCachePurgeStatus status = status(ns);
              assertThat(status.getProgress()).isEqualTo("3/3");
              var complete = Conditions.find(status.getConditions(), "Complete");
              assertThat(complete.getStatus()).as(complete.getMessage()).isEqualTo("True");
            });
    assertThat(status(ns).getPods())
        .extracting(PodPurge::getName, PodPurge::getResult, PodPurge::getIp)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("edge-a", Result.Purged, "127.0.0.12"),
            org.assertj.core.groups.Tuple.tuple("edge-b", Result.Purged, "127.0.0.13"),
            org.assertj.core.groups.Tuple.tuple("edge-c", Result.Purged, "127.0.0.14"));
    for (String pod : List.of("edge-a", "edge-b", "edge-c")) {
      assertThat(Fleets.get(kubelet.base(pod) + "/photos/hello.txt").body())
          .isEqualTo("hello from photos");
    }
  }

  private static S3ProxyCachePurgeStatus status(String ns) {
    S3ProxyCachePurge purge =
        client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName("hello").get();
    return purge.getStatus() == null ? new S3ProxyCachePurgeStatus() : purge.getStatus();
  }
}
