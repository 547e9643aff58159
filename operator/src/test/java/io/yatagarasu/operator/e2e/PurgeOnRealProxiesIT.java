package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.keysOf;
import static io.yatagarasu.operator.OperatorHarness.purge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.crd.BucketCacheSettings;
import io.yatagarasu.operator.crd.CacheSettings;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyCachePurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.PodPurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.Result;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.status.Conditions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A purge reaches real proxy processes (one per Pod on 127.0.0.x, booted from the rendered-config
 * Secret, with the fleet's admin token mounted) through their admin listeners: every pod that was
 * ready answers, and the purge completes 3/3 while the pods keep serving. With the fleet's cache
 * on, each pod's cache is filled from a real s3proxy, the object changes in S3, and only the purge
 * makes every pod serve the new bytes.
 */
@EnableKubernetesMockClient(crud = true)
class PurgeOnRealProxiesIT {
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos", "media");

  private Kubelet kubelet;

  @Test
  void aPurgeReachesEveryReadyProxyAndCompletesThreeOfThree() throws Exception {
    String ns = pods.harness().newNamespace();
    kubelet = pods.photosFleet(ns, 3);
    kubelet.start("edge-a", "127.0.0.12");
    kubelet.start("edge-b", "127.0.0.13");
    kubelet.start("edge-c", "127.0.0.14");
    for (String pod : List.of("edge-a", "edge-b", "edge-c")) {
      assertThat(Fleets.get(kubelet.base(pod) + "/photos/hello.txt").body())
          .isEqualTo("hello from photos");
    }

    pods.harness().create(purge(ns, "hello", keysOf("photos", "hello.txt")));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              S3ProxyCachePurgeStatus status = status(ns, "hello");
              assertThat(status.getProgress()).isEqualTo("3/3");
              var complete = Conditions.find(status.getConditions(), "Complete");
              assertThat(complete.getStatus()).as(complete.getMessage()).isEqualTo("True");
            });
    assertThat(status(ns, "hello").getPods())
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

  private static S3ProxyCachePurgeStatus status(String ns, String name) {
    S3ProxyCachePurge purge =
        client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName(name).get();
    return purge.getStatus() == null ? new S3ProxyCachePurgeStatus() : purge.getStatus();
  }

  @Test
  void everyPodServesTheNewBytesOnlyAfterAKeyPurgeCompletes() throws Exception {
    String ns = pods.harness().newNamespace();
    pods.store().putObject("photos", "cat.txt", bytes("old cat"), "text/plain", Map.of());
    pods.createStoreCredentials(ns);
    pods.harness().create(cachingFleet(ns, "edge", 3));
    pods.harness().create(cachedBucket(ns, "photos", "/photos", "photos"));
    startPods(ns, List.of("/photos"), "127.0.0.21", "127.0.0.22", "127.0.0.23");
    List<String> urls = podUrls("/photos/cat.txt");

    for (String url : urls) {
      fillUntilHit(url);
    }
    pods.store().putObject("photos", "cat.txt", bytes("new cat"), "text/plain", Map.of());
    for (String url : urls) {
      HttpResponse<String> cached = Fleets.get(url);
      assertThat(cached.body()).as(url).isEqualTo("old cat");
      assertThat(cached.headers().firstValue("X-Cache")).as(url).contains("HIT");
    }

    pods.harness().create(purge(ns, "cat", keysOf("photos", "cat.txt")));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String url : urls) {
                assertThat(Fleets.get(url).body()).as(url).isEqualTo("new cat");
              }
              assertComplete(ns, "cat", 1);
            });
  }

  @Test
  void aFleetWidePrefixPurgeRefreshesThatPrefixInEveryBucketAndKeepsTheRest() throws Exception {
    String ns = pods.harness().newNamespace();
    for (String bucket : List.of("photos", "media")) {
      pods.store().putObject(bucket, "img/a.txt", bytes("old " + bucket), "text/plain", Map.of());
      pods.store().putObject(bucket, "doc/b.txt", bytes("kept " + bucket), "text/plain", Map.of());
    }
    pods.createStoreCredentials(ns);
    pods.harness().create(cachingFleet(ns, "edge", 3));
    pods.harness().create(cachedBucket(ns, "photos", "/photos", "photos"));
    pods.harness().create(cachedBucket(ns, "media", "/media", "media"));
    startPods(ns, List.of("/photos", "/media"), "127.0.0.31", "127.0.0.32", "127.0.0.33");
    List<String> images = new java.util.ArrayList<>(podUrls("/photos/img/a.txt"));
    images.addAll(podUrls("/media/img/a.txt"));
    List<String> docs = new java.util.ArrayList<>(podUrls("/photos/doc/b.txt"));
    docs.addAll(podUrls("/media/doc/b.txt"));

    for (String url : images) {
      fillUntilHit(url);
    }
    for (String url : docs) {
      fillUntilHit(url);
    }
    for (String bucket : List.of("photos", "media")) {
      pods.store().putObject(bucket, "img/a.txt", bytes("new " + bucket), "text/plain", Map.of());
      pods.store()
          .putObject(bucket, "doc/b.txt", bytes("changed " + bucket), "text/plain", Map.of());
    }

    pods.harness()
        .create(
            purge(
                ns,
                "images",
                spec -> {
                  spec.setProxyRef(new S3ProxyCachePurgeSpec.LocalRef("edge"));
                  spec.setPrefixes(List.of("img/"));
                }));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String url : images) {
                String bucket = url.contains("/photos/") ? "photos" : "media";
                assertThat(Fleets.get(url).body()).as(url).isEqualTo("new " + bucket);
              }
              assertComplete(ns, "images", 2);
            });
    for (String url : docs) {
      String bucket = url.contains("/photos/") ? "photos" : "media";
      HttpResponse<String> kept = Fleets.get(url);
      assertThat(kept.body()).as(url).isEqualTo("kept " + bucket);
      assertThat(kept.headers().firstValue("X-Cache")).as(url).contains("HIT");
    }
  }

  /** A fleet with the object cache on, small enough for the default memory limit. */
  static S3ProxyConfig cachingFleet(String ns, String name, int replicas) {
    S3ProxyConfig fleet = Fleets.fleet(ns, name, replicas);
    CacheSettings cache = new CacheSettings();
    cache.setEnabled(true);
    cache.setMaxSize(new Quantity("16Mi"));
    fleet.getSpec().setCache(cache);
    return fleet;
  }

  /** A bucket of fleet "edge" on the s3proxy whose objects stay fresh in the cache for an hour. */
  static S3ProxyBucket cachedBucket(String ns, String name, String prefix, String bucket) {
    S3ProxyBucket b = Fleets.bucket(ns, name, "edge", prefix, "store-creds", bucket, pods.store());
    BucketCacheSettings cache = new BucketCacheSettings();
    cache.setTtl("1h");
    b.getSpec().setCache(cache);
    return b;
  }

  /** Waits for the fleet's rendered snapshot to hold {@code routes}, then starts a pod per IP. */
  private void startPods(String ns, List<String> routes, String... ips) throws Exception {
    pods.awaitPodInputs(ns, "edge", routes.toArray(String[]::new));
    kubelet = pods.kubelet(ns, "edge");
    char pod = 'a';
    for (String ip : ips) {
      kubelet.start("edge-" + pod++, ip);
    }
  }

  private List<String> podUrls(String path) {
    return List.of("edge-a", "edge-b", "edge-c").stream()
        .map(pod -> kubelet.base(pod) + path)
        .toList();
  }

  /** GETs {@code url} until its pod answers from its cache. */
  private static void fillUntilHit(String url) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              HttpResponse<String> response = Fleets.get(url);
              return response.statusCode() == 200
                  && response.headers().firstValue("X-Cache").orElse("").equals("HIT");
            });
  }

  /** The purge reads 3/3, Complete=True, and every pod dropped at least {@code min} entries. */
  private static void assertComplete(String ns, String name, long min) {
    S3ProxyCachePurgeStatus status = status(ns, name);
    assertThat(status.getProgress()).isEqualTo("3/3");
    var complete = Conditions.find(status.getConditions(), "Complete");
    assertThat(complete).isNotNull();
    assertThat(complete.getStatus()).as(complete.getMessage()).isEqualTo("True");
    assertThat(status.getPods()).hasSize(3);
    for (PodPurge pod : status.getPods()) {
      assertThat(pod.getResult()).as(pod.getName()).isEqualTo(Result.Purged);
      assertThat(pod.getPurged()).as(pod.getName()).isGreaterThanOrEqualTo(min);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
