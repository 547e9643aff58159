package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.proxy.ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many rotations and large changes reach every pod: Secret updates to 3 pods (50 rotations), and a
 * change of 1,000 buckets rendered and pushed to 10 pods. The times are printed as {@code FIGURE}
 * lines for bench/operator-push.sh, which holds the targets; a busy machine cannot fail this test.
 */
@EnableKubernetesMockClient(crud = true)
class DistributionScaleIT {
  static KubernetesClient client;
  static OperatorHarness harness;
  static Path root;
  private Kubelet kubelet;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("yatagarasu-pods");
    harness =
        OperatorHarness.start(client, DistributorSettings.defaults().withView(Kubelet.view(root)));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @AfterEach
  void stopPods() {
    if (kubelet != null) {
      kubelet.close();
    }
  }

  /** A fleet of {@code pods} proxies whose {@code buckets} buckets all use one Secret. */
  private String fleet(int pods, int buckets) throws Exception {
    String ns = harness.newNamespace();
    harness.create(Fleets.credentials(ns, "creds", "key-0", "secret-0-0123456789"));
    harness.create(Fleets.fleet(ns, "edge", pods));
    ExecutorService creators = Executors.newFixedThreadPool(8);
    List<Future<?>> created = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      String name = String.format("b%04d", i);
      S3ProxyBucket bucket = OperatorHarness.bucket(ns, name, "edge", "/" + name, "creds");
      bucket.getSpec().getS3().setEndpoint("http://127.0.0.1:9");
      created.add(creators.submit(() -> harness.client().resource(bucket).create()));
    }
    for (Future<?> f : created) {
      f.get(60, TimeUnit.SECONDS);
    }
    creators.shutdown();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              var fleet = harness.fleet(ns, "edge");
              return fleet.getStatus() != null
                  && fleet.getStatus().getBuckets() != null
                  && fleet.getStatus().getBuckets().getAccepted() == buckets
                  && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null;
            });
    kubelet = new Kubelet(client, ns, "edge", root);
    for (int i = 0; i < pods; i++) {
      kubelet.start("edge-" + i, "127.0.0." + (2 + i));
    }
    await()
        .atMost(TIMEOUT)
        .until(() -> "True".equals(harness.fleetCondition(ns, "edge", "Programmed").getStatus()));
    return ns;
  }

  /** Updates the Secret and answers the milliseconds until every proxy runs the new generation. */
  private double rotate(String ns, int round) {
    long before = harness.storedGeneration(ns, "edge");
    List<ProxyServer> proxies = kubelet.proxies();
    long started = System.nanoTime();
    harness.edit(
        Secret.class,
        ns,
        "creds",
        s -> {
          s.getData().put("AWS_ACCESS_KEY_ID", OperatorHarness.base64("key-" + round));
          s.getData()
              .put(
                  "AWS_SECRET_ACCESS_KEY",
                  OperatorHarness.base64("secret-" + round + "-0123456789"));
          return s;
        });
    await()
        .atMost(TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> proxies.stream().allMatch(p -> p.snapshot().generation() > before));
    double millis = (System.nanoTime() - started) / 1e6;
    for (ProxyServer proxy : proxies) {
      for (var bucket : proxy.snapshot().config().buckets()) {
        assertThat(bucket.s3().credentials().accessKeyId())
            .as("%s on pod %s after rotation %d", bucket.name(), proxy.adminAddress(), round)
            .isEqualTo("key-" + round);
      }
    }
    return millis;
  }

  /** No pod refused a snapshot (NACK). A pod still booting may be unreachable once: a retry. */
  private static void assertNoPushFailed() {
    assertThat(harness.registry().scrape())
        .doesNotContain("yatagarasu_operator_push_seconds_count{result=\"rejected\"");
  }

  private static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  @Test
  void fiftyRotationsPutEveryPodOnTheNewCredentials() throws Exception {
    String ns = fleet(3, 1);
    List<Double> times = new ArrayList<>();
    for (int round = 1; round <= 50; round++) {
      times.add(rotate(ns, round));
    }
    Collections.sort(times);
    double median = percentile(times, 50);
    double p99 = percentile(times, 99);
    System.out.printf(
        "operator push: Secret update -> 3/3 pods on new credentials over 50 rotations:"
            + " median %.0f ms, p99 %.0f ms, max %.0f ms%n",
        median, p99, times.get(times.size() - 1));
    System.out.printf("FIGURE operator.rotation.median.ms %.0f%n", median);
    System.out.printf("FIGURE operator.rotation.p99.ms %.0f%n", p99);
    assertThat(times).hasSize(50);
    assertNoPushFailed();
  }

  @Test
  void aChangeOfAThousandBucketsReachesTenPods() throws Exception {
    String ns = fleet(10, 1000);
    double first = rotate(ns, 1);
    List<Double> times = new ArrayList<>();
    for (int round = 2; round <= 11; round++) {
      times.add(rotate(ns, round));
    }
    System.out.println("operator push: 1,000 buckets to 10 pods, rounds (ms): " + times);
    Collections.sort(times);
    System.out.printf(
        "operator push: a change of 1,000 buckets (every bucket's Secret) rendered and pushed to"
            + " 10 pods: first %.0f ms, then over 10 changes median %.0f ms, max %.0f ms%n",
        first, percentile(times, 50), times.get(times.size() - 1));
    System.out.printf("FIGURE operator.push1000.median.ms %.0f%n", percentile(times, 50));
    assertThat(times).hasSize(10);
    assertNoPushFailed();
  }
}
