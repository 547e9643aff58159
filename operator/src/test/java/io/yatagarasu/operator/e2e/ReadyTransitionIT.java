package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.proxy.ProxyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pod that comes up while its pushes are backing off gets the current snapshot when it turns
 * Ready, not when its retry is due. The retry here comes 5 to 10 minutes after a failure, and every
 * wait after the Ready transition ends well within that, so the push the pod gets is the one its
 * Ready transition caused.
 */
@EnableKubernetesMockClient(crud = true)
class ReadyTransitionIT {
  /** Well below the earliest retry (half the 10-minute step). */
  private static final Duration BEFORE_ANY_RETRY = Duration.ofSeconds(15);

  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods =
      new PodsFixture(() -> client)
          .withStore("photos", "videos")
          .withBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10));

  private Kubelet kubelet;
  private Watch watch;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopWatching() {
    if (watch != null) {
      watch.close();
    }
  }

  /** A fleet serving /photos, whose every Programmed message from now on is kept. */
  private String fleetWithPhotos() {
    String ns = pods.harness().newNamespace();
    kubelet = pods.photosFleet(ns, 3);
    watch =
        client
            .resources(S3ProxyConfig.class)
            .inNamespace(ns)
            .withName("edge")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, S3ProxyConfig fleet) {
                    if (fleet.getStatus() != null) {
                      var c =
                          OperatorHarness.condition(
                              fleet.getStatus().getConditions(), "Programmed");
                      if (c != null) {
                        messages.add(c.getMessage());
                      }
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    return ns;
  }

  /** Adds /videos and deletes /photos; answers the new generation. */
  private long replacePhotosWithVideos(String ns) {
    pods.harness()
        .create(
            Fleets.bucket(ns, "videos", "edge", "/videos", "store-creds", "videos", pods.store()));
    client.resources(S3ProxyBucket.class).inNamespace(ns).withName("photos").delete();
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              String doc = pods.harness().renderedDocument(ns, "edge");
              return doc.contains("/videos") && !doc.contains("/photos");
            });
    return pods.harness().storedGeneration(ns, "edge");
  }

  private void awaitUnreachable(String ns, String pod, String ip, long generation) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              var c = pods.harness().fleetCondition(ns, "edge", "Programmed");
              return c != null
                  && c.getMessage().contains("at generation " + generation + ";")
                  && c.getMessage().contains("pod " + pod + " (" + ip + ") unreachable");
            });
  }

  /** The pod serves the old snapshot's routes: /photos yes, /videos no. */
  private void assertServesTheOldSnapshot(String pod) {
    assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt")).isEqualTo(200);
    assertThat(Fleets.status(kubelet.base(pod) + "/videos/hello.txt")).isEqualTo(404);
  }

  /** Ready, then the current snapshot within a deadline the retry timer cannot meet. */
  private void assertServesTheCurrentSnapshotSoonAfterReady(String pod, ProxyServer proxy) {
    // The watch has delivered the status written so far: what comes after is written later.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                !messages.isEmpty()
                    && messages
                        .get(messages.size() - 1)
                        .equals(
                            pods.harness()
                                .fleetCondition(kubelet.namespace(), "edge", "Programmed")
                                .getMessage()));
    int before = messages.size();
    kubelet.markReady(pod);
    await()
        .atMost(BEFORE_ANY_RETRY)
        .untilAsserted(
            () -> {
              assertThat(Fleets.status(kubelet.base(pod) + "/videos/hello.txt")).isEqualTo(200);
              assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt")).isEqualTo(404);
            });
    assertThat(proxy.snapshot().generation()).isGreaterThan(0);
    List<String> all = List.copyOf(messages);
    List<String> after = all.subList(before, all.size());
    assertThat(after)
        .as("Programmed messages once the pod answered")
        .noneMatch(m -> m.contains("pod " + pod + " (") && m.contains("unreachable"));
  }

  @Test
  void aRestartedPodGetsTheCurrentSnapshotWhenItTurnsReadyNotWhenItsRetryIsDue() throws Exception {
    String ns = fleetWithPhotos();
    String first = kubelet.mountedDocument();
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    long current = replacePhotosWithVideos(ns);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> kubelet.proxies().stream().allMatch(p -> p.snapshot().generation() == current));

    // The container restarts; its process takes its time to open the admin port, so the push
    // its restart caused is refused and the next one is minutes away.
    kubelet.crash("edge-b");
    awaitUnreachable(ns, "edge-b", "127.0.0.3", current);
    ProxyServer restarted = kubelet.boot("edge-b", first);
    assertThat(restarted.snapshot().generation()).isLessThan(current);
    assertServesTheOldSnapshot("edge-b");

    assertServesTheCurrentSnapshotSoonAfterReady("edge-b", restarted);
    assertThat(restarted.snapshot().generation()).isEqualTo(current);
    await()
        .atMost(BEFORE_ANY_RETRY)
        .untilAsserted(
            () ->
                assertThat(pods.harness().fleetCondition(ns, "edge", "Programmed").getMessage())
                    .startsWith("2/2 ready pods at generation " + current + " "));
    assertThat(pods.harness().fleetCondition(ns, "edge", "Programmed").getMessage())
        .doesNotContain("unreachable");
  }

  @Test
  void aScaledOutPodThatStartsSlowlyWhileTheConfigurationChangesGetsItWhenItTurnsReady()
      throws Exception {
    String ns = fleetWithPhotos();
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    // The new pod mounts the snapshot of now; its process starts slowly.
    String mounted = kubelet.mountedDocument();
    kubelet.schedule("edge-c", "127.0.0.4");
    long first = pods.harness().storedGeneration(ns, "edge");
    awaitUnreachable(ns, "edge-c", "127.0.0.4", first);

    // Meanwhile the configuration changes: the running pods take it, the new one is backing off.
    long current = replacePhotosWithVideos(ns);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> kubelet.proxies().stream().allMatch(p -> p.snapshot().generation() == current));
    ProxyServer slow = kubelet.boot("edge-c", mounted);
    assertThat(slow.snapshot().generation()).isEqualTo(first);
    assertServesTheOldSnapshot("edge-c");

    assertServesTheCurrentSnapshotSoonAfterReady("edge-c", slow);
    assertThat(slow.snapshot().generation()).isEqualTo(current);
    await()
        .atMost(BEFORE_ANY_RETRY)
        .untilAsserted(
            () ->
                assertThat(pods.harness().fleetCondition(ns, "edge", "Programmed").getMessage())
                    .startsWith("3/3 ready pods at generation " + current + " "));
  }
}
