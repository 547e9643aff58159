package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.BucketCacheSettings;
import io.yatagarasu.operator.crd.CacheSettings;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyCachePurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.PodPurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.Result;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.status.Conditions;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long a fleet-wide purge takes: a fleet of real proxies (3, then 10 pods on 127.0.0.x) with
 * the cache on, each pod's cache filled from a real s3proxy; timed from just before the
 * S3ProxyCachePurge is created until the API server shows it {@code Complete=True} (status polled
 * every 2 ms). Not part of {@code verify} (no IT suffix): {@code bench/cache-purge.sh} runs it and
 * writes the figures to {@code operator/target/bench/cache-purge.txt}.
 */
@EnableKubernetesMockClient(crud = true)
class CachePurgeBench {
  static KubernetesClient client;
  static OperatorHarness harness;
  static S3ProxyServer store;
  static Path root;

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

  @Test
  void purgeLatency() throws Exception {
    int rounds = Integer.parseInt(System.getenv().getOrDefault("YATAGARASU_BENCH_ROUNDS", "20"));
    StringBuilder report = new StringBuilder();
    report.append(measure(3, 50, rounds));
    report.append(measure(10, 60, rounds));
    Path out = Path.of("target", "bench", "cache-purge.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.print(report);
  }

  /** Runs {@code rounds} purges (after one warm-up) on a fleet of {@code pods} real proxies. */
  private static String measure(int pods, int firstIp, int rounds) throws Exception {
    String ns = harness.newNamespace();
    harness.create(Fleets.credentials(ns, "store-creds", store.accessKey(), store.secretKey()));
    S3ProxyConfig fleet = Fleets.fleet(ns, "edge", pods);
    CacheSettings cache = new CacheSettings();
    cache.setEnabled(true);
    cache.setMaxSize(new Quantity("16Mi"));
    fleet.getSpec().setCache(cache);
    harness.create(fleet);
    S3ProxyBucket bucket =
        Fleets.bucket(ns, "photos", "edge", "/photos", "store-creds", "photos", store);
    BucketCacheSettings bucketCache = new BucketCacheSettings();
    bucketCache.setTtl("1h");
    bucket.getSpec().setCache(bucketCache);
    harness.create(bucket);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && client.apps().deployments().inNamespace(ns).withName("edge").get() != null
                    && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null
                    && harness.renderedDocument(ns, "edge").contains("/photos"));
    List<Long> micros = new ArrayList<>();
    try (Kubelet kubelet = new Kubelet(client, ns, "edge", root)) {
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        kubelet.start("edge-" + i, "127.0.0." + (firstIp + i));
        urls.add(kubelet.base("edge-" + i) + "/photos/hello.txt");
      }
      for (int round = 0; round <= rounds; round++) {
        for (String url : urls) {
          await().atMost(TIMEOUT).until(() -> hit(url));
        }
        String name = "purge-" + round;
        S3ProxyCachePurge purge = OperatorHarness.purge(ns, name, CachePurgeBench::select);
        long started = System.nanoTime();
        harness.create(purge);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(2))
            .until(() -> complete(ns, name));
        long took = (System.nanoTime() - started) / 1_000;
        var status = client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName(name).get();
        assertThat(status.getStatus().getProgress()).isEqualTo(pods + "/" + pods);
        assertThat(status.getStatus().getPods())
            .allSatisfy(
                p -> {
                  assertThat(p.getResult()).isEqualTo(Result.Purged);
                  assertThat(p.getPurged()).isEqualTo(1L);
                })
            .extracting(PodPurge::getName)
            .hasSize(pods);
        if (round > 0) { // the first round warms the JIT of the operator and the proxies
          micros.add(took);
        }
      }
    }
    List<Long> sorted = micros.stream().sorted().toList();
    String line =
        String.format(
            Locale.ROOT,
            "Purge created -> Complete, %d pods, %d rounds (after one warm-up round): min %.1f ms,"
                + " median %.1f ms, p90 %.1f ms, max %.1f ms%n",
            pods,
            rounds,
            sorted.get(0) / 1000.0,
            sorted.get(sorted.size() / 2) / 1000.0,
            sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1) / 1000.0,
            sorted.get(sorted.size() - 1) / 1000.0);
    return line
        + String.format(
            Locale.ROOT,
            "FIGURE operator.purge%d.median.ms %.1f%nFIGURE operator.purge%d.max.ms %.1f%n",
            pods,
            sorted.get(sorted.size() / 2) / 1000.0,
            pods,
            sorted.get(sorted.size() - 1) / 1000.0);
  }

  private static void select(S3ProxyCachePurgeSpec spec) {
    spec.setBucketRef(new S3ProxyCachePurgeSpec.LocalRef("photos"));
    spec.setKeys(List.of("hello.txt"));
  }

  private static boolean hit(String url) throws Exception {
    HttpResponse<String> response = Fleets.get(url);
    return response.statusCode() == 200
        && response.headers().firstValue("X-Cache").orElse("").equals("HIT");
  }

  private static boolean complete(String ns, String name) {
    S3ProxyCachePurge purge =
        client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName(name).get();
    if (purge == null || purge.getStatus() == null) {
      return false;
    }
    var c = Conditions.find(purge.getStatus().getConditions(), "Complete");
    return c != null && "True".equals(c.getStatus());
  }
}
