package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.proxy.ProxyServer;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Credential rotation and an operator restart while real proxies serve a load: no request fails
 * except those the backend itself refused, and no older generation is ever pushed.
 */
@EnableKubernetesMockClient(crud = true)
class RotationIT {
  private static final String[] PODS = {"edge-a", "edge-b", "edge-c"};
  private static final String[] IPS = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods =
      new PodsFixture(() -> client).withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));

  private S3ProxyServer store;
  private S3ProxyServer next;
  private Relay relay;
  private Kubelet kubelet;

  @AfterEach
  void stopPods() {
    // The pods first, then the storage behind them.
    pods.stopPods();
    if (store != null) {
      store.close();
    }
    if (next != null) {
      next.close();
    }
    if (relay != null) {
      try {
        relay.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private String fleetOfThree(String accessKey, String secretKey) throws Exception {
    String ns = pods.harness().newNamespace();
    store = S3ProxyServer.start(accessKey, secretKey);
    store.createBucket("data");
    store.putObject(
        "data", "hello.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    pods.harness().create(Fleets.credentials(ns, "data-creds", accessKey, secretKey));
    pods.harness().create(Fleets.fleet(ns, "edge", 3));
    // The bucket names a relay, so that the storage behind it can be replaced under load.
    relay = new Relay(store.port());
    var bucket = Fleets.bucket(ns, "data", "edge", "/data", "data-creds", "data", store);
    bucket.getSpec().getS3().setEndpoint(relay.endpoint().toString());
    pods.harness().create(bucket);
    pods.awaitPodInputs(ns, "edge", "/data");
    kubelet = pods.kubelet(ns, "edge");
    for (int i = 0; i < PODS.length; i++) {
      kubelet.start(PODS[i], IPS[i]);
    }
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                "True".equals(pods.harness().fleetCondition(ns, "edge", "Programmed").getStatus()));
    return ns;
  }

  /** What a user's rotation does: the bucket's Secret gets another key pair. */
  private static void rotateCredentials(String ns, String accessKey, String secretKey) {
    pods.harness()
        .edit(
            Secret.class,
            ns,
            "data-creds",
            s -> {
              s.getData().put("AWS_ACCESS_KEY_ID", OperatorHarness.base64(accessKey));
              s.getData().put("AWS_SECRET_ACCESS_KEY", OperatorHarness.base64(secretKey));
              return s;
            });
  }

  private List<String> urls() {
    List<String> urls = new ArrayList<>();
    for (String pod : PODS) {
      urls.add(kubelet.base(pod) + "/data/hello.txt");
    }
    return urls;
  }

  @Test
  void rotatedCredentialsReachEveryPodUnderLoad() throws Exception {
    String ns = fleetOfThree("old-key", "old-secret-0123456789");
    List<ProxyServer> proxies = kubelet.proxies();
    long before = pods.harness().storedGeneration(ns, "edge");
    long rotationStarted;
    long secretUpdated;
    long allServing;
    long requests;
    int refused;
    // The storage service's new identity: the same object behind a server that only knows the
    // new key; the relay moves every connection to it at once, as a key rotation at the provider.
    next = S3ProxyServer.start("new-key", "new-secret-0123456789");
    next.createBucket("data");
    next.putObject(
        "data", "hello.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    try (Load load = new Load(urls(), 4, 120)) {
      await().atMost(TIMEOUT).until(() -> load.requests() > 100);
      rotationStarted = System.nanoTime();
      relay.switchTo(next.port());
      secretUpdated = System.nanoTime();
      rotateCredentials(ns, "new-key", "new-secret-0123456789");
      // Each pod in turn until each has answered 200 once; later failures would show in the load.
      // The time it takes is printed, not asserted: a loaded machine must not fail the build.
      Map<String, Long> firstSuccess = new java.util.LinkedHashMap<>();
      List<String> seen = new ArrayList<>();
      long[] applied = {0};
      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                if (applied[0] == 0
                    && proxies.stream().allMatch(p -> p.snapshot().generation() > before)) {
                  applied[0] = System.nanoTime();
                }
                for (String url : urls()) {
                  if (!firstSuccess.containsKey(url)) {
                    int status = Fleets.status(url);
                    if (status == 200) {
                      firstSuccess.put(url, System.nanoTime());
                    } else {
                      seen.add(status + " " + url);
                    }
                  }
                }
                return firstSuccess.size() == PODS.length;
              });
      System.out.println(
          "rotation: every proxy on the new snapshot after "
              + (applied[0] == 0 ? "-" : TimeUnit.NANOSECONDS.toMillis(applied[0] - secretUpdated))
              + " ms; non-200 answers while waiting "
              + seen.size());
      allServing = System.nanoTime();
      long settled = load.requests();
      await().atMost(TIMEOUT).until(() -> load.requests() > settled + 100);
      load.close();
      requests = load.requests();
      refused = load.failures().size();
      assertThat(requests).isGreaterThan(200);
      for (Load.Failure failure : load.failures()) {
        // Only between the switch and the proxies using the new key: answers the backend caused
        // (the old key refused: 403; a connection the switch cut: 502/503/504).
        assertThat(failure.atNanos())
            .as("failure %s", failure)
            .isBetween(rotationStarted, allServing);
        assertThat(failure.status()).as("failure %s", failure).isIn(403, 502, 503, 504);
      }
    }
    long after = pods.harness().storedGeneration(ns, "edge");
    assertThat(after).isGreaterThan(before);
    proxies.forEach(p -> assertThat(p.snapshot().generation()).isEqualTo(after));
    System.out.printf(
        "rotation: Secret update to 3/3 pods serving with the new key %d ms, %d requests, %d"
            + " refused by the backend meanwhile%n",
        TimeUnit.NANOSECONDS.toMillis(allServing - secretUpdated), requests, refused);
    System.out.printf(
        "FIGURE operator.rotation-under-load.ms %d%n",
        TimeUnit.NANOSECONDS.toMillis(allServing - secretUpdated));
  }

  @Test
  void operatorStoppedAndRestartedWhileProxiesServeFailsNoRequestAndPushesNothingOlder()
      throws Exception {
    String ns = fleetOfThree("steady-key", "steady-secret-0123456789");
    List<ProxyServer> proxies = kubelet.proxies();
    long before = pods.harness().storedGeneration(ns, "edge");
    Map<ProxyServer, Long> lowest = new ConcurrentHashMap<>();
    List<String> wentBack = new ArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> {
          for (ProxyServer p : proxies) {
            long g = p.snapshot().generation();
            Long seen = lowest.put(p, g);
            if (seen != null && g < seen) {
              synchronized (wentBack) {
                wentBack.add(p.adminAddress() + " went from " + seen + " to " + g);
              }
            }
          }
        },
        0,
        5,
        TimeUnit.MILLISECONDS);
    try (Load load = new Load(urls(), 4, 120)) {
      await().atMost(TIMEOUT).until(() -> load.requests() > 100);
      pods.harness().stopOperator();
      long stopped = load.requests();
      // While the operator is down, a change is made; the proxies keep serving what they have.
      store.createBucket("more");
      store.putObject(
          "more", "hello.txt", "more".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
      pods.harness()
          .client()
          .resource(Fleets.bucket(ns, "more", "edge", "/more", "data-creds", "more", store))
          .create();
      await().atMost(TIMEOUT).until(() -> load.requests() > stopped + 200);
      proxies.forEach(p -> assertThat(p.snapshot().generation()).isEqualTo(before));

      // The status said Programmed before the stop; it should not flap while the new operator
      // waits for the pods' first answers.
      List<String> flaps = new ArrayList<>();
      sampler.scheduleAtFixedRate(
          () -> {
            var c = pods.harness().fleetCondition(ns, "edge", "Programmed");
            if (c != null
                && !"True".equals(c.getStatus())
                && pods.harness().storedGeneration(ns, "edge") == before) {
              synchronized (flaps) {
                flaps.add(c.getStatus() + " " + c.getReason() + ": " + c.getMessage());
              }
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);
      pods.harness().startOperator();
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  pods.harness().storedGeneration(ns, "edge") > before
                      && proxies.stream()
                          .allMatch(
                              p ->
                                  p.snapshot().generation()
                                      == pods.harness().storedGeneration(ns, "edge")));
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  pods.harness()
                      .fleetCondition(ns, "edge", "Programmed")
                      .getMessage()
                      .startsWith(
                          "3/3 ready pods at generation "
                              + pods.harness().storedGeneration(ns, "edge")));
      long restarted = load.requests();
      await().atMost(TIMEOUT).until(() -> load.requests() > restarted + 100);
      load.close();
      assertThat(load.failures()).isEmpty();
      synchronized (flaps) {
        assertThat(flaps).isEmpty();
      }
    } finally {
      sampler.shutdownNow();
    }
    assertThat(wentBack).isEmpty();
    var stale =
        pods.harness().registry().find("yatagarasu.operator.push").tag("result", "stale").timer();
    assertThat(stale == null ? 0 : stale.count()).as("stale pushes").isZero();
    for (String pod : PODS) {
      assertThat(Fleets.status(kubelet.base(pod) + "/more/hello.txt")).isEqualTo(200);
    }
  }

  @Test
  void aDownloadInFlightFinishesWithTheOldCredentialsWhileNewRequestsUseTheNewOnes()
      throws Exception {
    String ns = fleetOfThree("first-key", "first-secret-0123456789");
    long size = 64L * 1024 * 1024;
    store.putGeneratedObject("data", "big.bin", size);
    long before = pods.harness().storedGeneration(ns, "edge");
    HttpResponse<InputStream> download =
        Fleets.HTTP.send(
            HttpRequest.newBuilder(URI.create(kubelet.base("edge-a") + "/data/big.bin")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(download.statusCode()).isEqualTo(200);
    InputStream body = download.body();
    byte[] first = body.readNBytes(1024 * 1024);

    // The Secret now holds a key the backend does not know: every pod takes it, so new requests
    // are refused by the backend, while the download that started before keeps its snapshot.
    rotateCredentials(ns, "unknown-key", "unknown-secret-0123456789");
    await()
        .atMost(TIMEOUT)
        .until(() -> kubelet.proxies().stream().allMatch(p -> p.snapshot().generation() > before));
    for (String url : urls()) {
      assertThat(Fleets.status(url)).as(url).isIn(403, 502);
    }
    TestContent.verify(new SequenceInputStream(new ByteArrayInputStream(first), body), 0, size);
  }
}
