package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.crd.BucketCacheSettings;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.proxy.ProxyServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cache warming through the operator: an S3ProxyBucket's {@code spec.cache.warm} reaches a real
 * proxy process (booted from the rendered-config Secret), which fetches the listed objects from a
 * real s3proxy before any client asks, so the first client GET is a cache hit; a changed list
 * pushed to the running pod warms the added key.
 */
@EnableKubernetesMockClient(crud = true)
class WarmOnRealProxiesIT {
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos");

  @Test
  void aPodHoldsTheListedObjectsBeforeAnyClientAsks() throws Exception {
    String ns = pods.harness().newNamespace();
    put("warm/cat.txt", "warm cat");
    put("later.txt", "later");
    pods.createStoreCredentials(ns);
    pods.harness().create(PurgeOnRealProxiesIT.cachingFleet(ns, "edge", 1));
    S3ProxyBucket bucket =
        Fleets.bucket(ns, "photos", "edge", "/photos", "store-creds", "photos", pods.store());
    BucketCacheSettings cache = new BucketCacheSettings();
    cache.setTtl("1h");
    cache.setWarm(List.of("warm/cat.txt", "hello.txt"));
    bucket.getSpec().setCache(cache);
    pods.harness().create(bucket);
    pods.awaitPodInputs(ns, "edge", "/photos");
    assertThat(pods.harness().renderedDocument(ns, "edge"))
        .contains("\"warm\"", "warm/cat.txt", "hello.txt");

    Kubelet kubelet = pods.kubelet(ns, "edge");
    ProxyServer pod = kubelet.start("edge-a", "127.0.0.47");
    // No client has asked yet: the two objects are in the pod's cache all the same. A warm's
    // fill is counted when its fetch completes, just after the entry becomes visible.
    awaitWarmed(pod, 2);

    HttpResponse<String> first = Fleets.get(kubelet.base("edge-a") + "/photos/warm/cat.txt");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("warm cat");
    assertThat(first.headers().firstValue("X-Cache")).hasValue("HIT");
    assertThat(pod.cache().snapshot().buckets().values())
        .allSatisfy(b -> assertThat(b.misses()).isZero());

    // The list changes: the operator pushes it, and the running pod warms the key it adds.
    client
        .resources(S3ProxyBucket.class)
        .inNamespace(ns)
        .withName("photos")
        .edit(
            b -> {
              b.getSpec().getCache().setWarm(List.of("warm/cat.txt", "hello.txt", "later.txt"));
              return b;
            });
    awaitWarmed(pod, 3);
    assertThat(warmed(pod, "fresh")).as("the keys warmed before").isGreaterThanOrEqualTo(2);
    HttpResponse<String> later = Fleets.get(kubelet.base("edge-a") + "/photos/later.txt");
    assertThat(later.body()).isEqualTo("later");
    assertThat(later.headers().firstValue("X-Cache")).hasValue("HIT");
  }

  private static void put(String key, String body) {
    pods.store()
        .putObject("photos", key, body.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
  }

  /** Waits until the pod holds {@code entries} entries and has counted as many warm fills. */
  private static void awaitWarmed(ProxyServer pod, long entries) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pod.cache().entries()).isEqualTo(entries);
              assertThat(warmed(pod, "filled")).isEqualTo(entries);
            });
  }

  /** The pod's {@code yatagarasu_cache_warm_total} for {@code result}, over its buckets. */
  private static long warmed(ProxyServer pod, String result) {
    return (long)
        pod
            .metrics()
            .registry()
            .find("yatagarasu.cache.warm")
            .tag("result", result)
            .counters()
            .stream()
            .mapToDouble(c -> c.count())
            .sum();
  }
}
