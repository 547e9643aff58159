package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.proxy.ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator pushes snapshots to real proxies (one per Pod on 127.0.0.x, booted from the
 * rendered-config Secret) and reports on status which pods run which generation.
 */
@EnableKubernetesMockClient(crud = true)
class DistributionIT {
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos", "videos");

  private Kubelet kubelet;

  /** Creates a fleet with a photos bucket and waits for its Deployment and snapshot. */
  private String fleetWithPhotos(String ns) {
    kubelet = pods.photosFleet(ns, 3);
    return ns;
  }

  private Condition programmed(String ns) {
    return pods.harness().fleetCondition(ns, "edge", "Programmed");
  }

  private void awaitAllAt(long generation) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubelet.proxies().stream().allMatch(p -> p.snapshot().generation() == generation));
  }

  @Test
  void threePodsServeTheBucketAndStatusSaysThreeOfThreeAtTheGeneration() throws Exception {
    String ns = fleetWithPhotos(pods.harness().newNamespace());
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    kubelet.start("edge-c", "127.0.0.4");
    long generation = pods.harness().storedGeneration(ns, "edge");

    for (String pod : new String[] {"edge-a", "edge-b", "edge-c"}) {
      var response = Fleets.get(kubelet.base(pod) + "/photos/hello.txt");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello from photos");
    }
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition c = programmed(ns);
              assertThat(c.getStatus()).as(c.getMessage()).isEqualTo("True");
              assertThat(c.getMessage())
                  .startsWith("3/3 ready pods at generation " + generation + " ");
              assertThat(pods.harness().bucketVerdict(ns, "photos", "Programmed"))
                  .isEqualTo("True Programmed");
            });
    assertThat(pods.harness().statusGeneration(ns, "edge")).isEqualTo(generation);
    kubelet.proxies().forEach(p -> assertThat(p.snapshot().generation()).isEqualTo(generation));
  }

  @Test
  void bucketsAddedChangedAndDeletedReachEveryPodAndProblemsStayOut() throws Exception {
    String ns = fleetWithPhotos(pods.harness().newNamespace());
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    kubelet.start("edge-c", "127.0.0.4");
    String[] names = {"edge-a", "edge-b", "edge-c"};

    pods.harness()
        .create(
            Fleets.bucket(ns, "videos", "edge", "/videos", "store-creds", "videos", pods.store()));
    // Same prefix as an older bucket, and a Secret that does not exist: both stay out. The
    // mock API server stamps creation times in whole seconds, so the copy's name also sorts after
    // "photos": the tie-break (namespace/name) then agrees with the age.
    pods.harness()
        .create(
            Fleets.bucket(
                ns, "shadow-photos", "edge", "/photos", "store-creds", "videos", pods.store()));
    pods.harness()
        .create(
            Fleets.bucket(
                ns, "orphan", "edge", "/orphan", "no-such-secret", "videos", pods.store()));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String pod : names) {
                assertThat(Fleets.status(kubelet.base(pod) + "/videos/hello.txt")).isEqualTo(200);
              }
              assertThat(pods.harness().bucketVerdict(ns, "videos", "Programmed"))
                  .isEqualTo("True Programmed");
              assertThat(pods.harness().bucketVerdict(ns, "shadow-photos", "Programmed"))
                  .isEqualTo("False PrefixConflict");
              assertThat(pods.harness().bucketVerdict(ns, "orphan", "Programmed"))
                  .isEqualTo("False SecretNotFound");
              assertThat(programmed(ns).getStatus()).isEqualTo("True");
            });
    for (String pod : names) {
      assertThat(Fleets.get(kubelet.base(pod) + "/photos/hello.txt").body())
          .isEqualTo("hello from photos");
      assertThat(Fleets.status(kubelet.base(pod) + "/orphan/hello.txt")).isEqualTo(404);
    }

    pods.harness()
        .edit(
            S3ProxyBucket.class,
            ns,
            "videos",
            b -> {
              b.getSpec().setPathPrefix("/clips");
              return b;
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String pod : names) {
                assertThat(Fleets.status(kubelet.base(pod) + "/clips/hello.txt")).isEqualTo(200);
                assertThat(Fleets.status(kubelet.base(pod) + "/videos/hello.txt")).isEqualTo(404);
              }
            });

    client.resources(S3ProxyBucket.class).inNamespace(ns).withName("videos").delete();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String pod : names) {
                assertThat(Fleets.status(kubelet.base(pod) + "/clips/hello.txt")).isEqualTo(404);
              }
              assertThat(programmed(ns).getMessage())
                  .startsWith(
                      "3/3 ready pods at generation "
                          + pods.harness().storedGeneration(ns, "edge"));
            });
  }

  @Test
  void aRejectingPodAndAnUnreachablePodAreNamedOnStatusWhileTheOthersAreProgrammed()
      throws Exception {
    String ns = fleetWithPhotos(pods.harness().newNamespace());
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    kubelet.startUnreachable("edge-c", "127.0.0.4");
    long generation = pods.harness().storedGeneration(ns, "edge");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition c = programmed(ns);
              assertThat(c.getStatus() + " " + c.getReason()).isEqualTo("False Unreachable");
              assertThat(c.getMessage())
                  .startsWith("2/3 ready pods at generation " + generation)
                  .contains("pod edge-c (127.0.0.4) unreachable: connection refused");
            });

    // A new data port cannot be applied by a running proxy (its listener is bound once): the
    // pods refuse the snapshot, keep serving the previous one, and the status says so.
    pods.harness()
        .edit(
            S3ProxyConfig.class,
            ns,
            "edge",
            f -> {
              f.getSpec().getServer().setPort(io.yatagarasu.testkit.FreePorts.find());
              return f;
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              Condition c = programmed(ns);
              assertThat(pods.harness().storedGeneration(ns, "edge")).isGreaterThan(generation);
              assertThat(c.getStatus() + " " + c.getReason()).isEqualTo("False Rejected");
              assertThat(c.getMessage())
                  .startsWith(
                      "0/3 ready pods at generation " + pods.harness().storedGeneration(ns, "edge"))
                  .contains(
                      "pod edge-a (127.0.0.2) rejected generation "
                          + pods.harness().storedGeneration(ns, "edge")
                          + ": server.listen: cannot change while the proxy runs (restart to"
                          + " apply)")
                  .contains("pod edge-b (127.0.0.3) rejected generation")
                  .contains("pod edge-c (127.0.0.4) unreachable");
              assertThat(pods.harness().fleetVerdict(ns, "edge", "Degraded"))
                  .isEqualTo("True SnapshotRejected");
            });
    for (String pod : new String[] {"edge-a", "edge-b"}) {
      assertThat(kubelet.proxy(pod).snapshot().generation()).isEqualTo(generation);
      assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt")).isEqualTo(200);
    }
  }

  @Test
  void aPodRestartedFromAnOlderMountedSnapshotConvergesToTheCurrentGeneration() throws Exception {
    String ns = fleetWithPhotos(pods.harness().newNamespace());
    String old = kubelet.mountedDocument();
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    pods.harness()
        .create(
            Fleets.bucket(ns, "videos", "edge", "/videos", "store-creds", "videos", pods.store()));
    await()
        .atMost(TIMEOUT)
        .until(() -> pods.harness().renderedDocument(ns, "edge").contains("/videos"));
    long current = pods.harness().storedGeneration(ns, "edge");
    awaitAllAt(current);

    ProxyServer restarted = kubelet.restart("edge-b", old);
    assertThat(restarted.snapshot().generation()).isLessThan(current);
    await().atMost(TIMEOUT).until(() -> restarted.snapshot().generation() == current);
    assertThat(Fleets.status(kubelet.base("edge-b") + "/videos/hello.txt")).isEqualTo(200);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                programmed(ns).getMessage().startsWith("2/2 ready pods at generation " + current));
  }

  @Test
  void aPodAheadOfTheOperatorsGenerationIsOvertakenRatherThanPushedStaleSnapshots()
      throws Exception {
    // As after the config Secret and the status were both lost: a pod runs generation 50 of other
    // content, so the operator's next snapshot must take a generation above 50.
    String ns = fleetWithPhotos(pods.harness().newNamespace());
    long stored = pods.harness().storedGeneration(ns, "edge");
    String ahead =
        kubelet
            .mountedDocument()
            .replace("\"generation\": " + stored, "\"generation\": 50")
            .replace("\"/photos\"", "\"/ahead\"");
    assertThat(ahead).contains("\"generation\": 50", "/ahead");
    ProxyServer pod = kubelet.start("edge-a", "127.0.0.2", ahead, true);
    assertThat(pod.snapshot().generation()).isEqualTo(50);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                pod.snapshot().generation() > 50
                    && pods.harness().storedGeneration(ns, "edge") > 50);
    assertThat(pod.snapshot().generation()).isEqualTo(pods.harness().storedGeneration(ns, "edge"));
    assertThat(Fleets.status(kubelet.base("edge-a") + "/photos/hello.txt")).isEqualTo(200);
    await().atMost(TIMEOUT).until(() -> "True".equals(programmed(ns).getStatus()));
  }
}
