package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How long a pod that turns Ready runs an older generation: a pod's container restarts from an
 * older mounted snapshot while its pushes back off (60 s), then the Pod turns Ready; timed from the
 * Pod status update that makes it Ready until its proxy runs the current generation. Not part of
 * {@code verify} (no IT suffix): {@code bench/ready-to-current.sh} runs it and writes the figures
 * to {@code operator/target/bench/ready-to-current.txt}.
 */
@EnableKubernetesMockClient(crud = true)
class ReadyToCurrentBench {
  static KubernetesClient client;
  static OperatorHarness harness;
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("yatagarasu-pods");
    harness =
        OperatorHarness.start(
            client,
            DistributorSettings.defaults()
                .withView(Kubelet.view(root))
                .withBackoff(Duration.ofSeconds(60), Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static S3ProxyBucket bucket(String ns, String name) {
    S3ProxyBucket bucket = OperatorHarness.bucket(ns, name, "edge", "/" + name, "creds");
    bucket.getSpec().getS3().setEndpoint("http://127.0.0.1:9");
    return bucket;
  }

  @Test
  void readyToCurrent() throws Exception {
    int rounds = Integer.parseInt(System.getenv().getOrDefault("YATAGARASU_BENCH_ROUNDS", "30"));
    String ns = harness.newNamespace();
    harness.create(Fleets.credentials(ns, "creds", "key-0", "secret-0-0123456789"));
    harness.create(Fleets.fleet(ns, "edge", 2));
    harness.create(bucket(ns, "b0"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && client.apps().deployments().inNamespace(ns).withName("edge").get() != null
                    && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null
                    && harness.renderedDocument(ns, "edge").contains("/b0"));
    List<Long> micros = new ArrayList<>();
    try (Kubelet kubelet = new Kubelet(client, ns, "edge", root)) {
      String first = kubelet.mountedDocument();
      kubelet.start("edge-a", "127.0.0.2");
      kubelet.start("edge-b", "127.0.0.3");
      for (int round = 1; round <= rounds + 1; round++) {
        harness.create(bucket(ns, "b" + round));
        String route = "/b" + round;
        await().atMost(TIMEOUT).until(() -> harness.renderedDocument(ns, "edge").contains(route));
        long current = harness.storedGeneration(ns, "edge");
        await()
            .atMost(TIMEOUT)
            .until(
                () ->
                    kubelet.proxies().stream().allMatch(p -> p.snapshot().generation() == current));
        kubelet.crash("edge-b");
        await()
            .atMost(TIMEOUT)
            .until(
                () -> {
                  var c = harness.fleetCondition(ns, "edge", "Programmed");
                  return c != null
                      && c.getMessage().contains("at generation " + current + ";")
                      && c.getMessage().contains("pod edge-b (127.0.0.3) unreachable");
                });
        ProxyServer restarted = kubelet.boot("edge-b", first);
        long started = System.nanoTime();
        kubelet.markReady("edge-b");
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(1))
            .until(() -> restarted.snapshot().generation() == current);
        long took = (System.nanoTime() - started) / 1_000;
        if (round > 1) { // the first round warms the JIT of the operator and the proxies
          micros.add(took);
        }
      }
    }
    assertThat(micros).hasSize(rounds);
    List<Long> sorted = micros.stream().sorted().toList();
    String report =
        String.format(
            Locale.ROOT,
            "Ready -> current generation, %d rounds (after one warm-up round): min %.1f ms,"
                + " median %.1f ms, p90 %.1f ms, max %.1f ms%n",
            rounds,
            sorted.get(0) / 1000.0,
            sorted.get(sorted.size() / 2) / 1000.0,
            sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1) / 1000.0,
            sorted.get(sorted.size() - 1) / 1000.0);
    Path out = Path.of("target", "bench", "ready-to-current.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.print(report);
  }
}
