package io.yatagarasu.operator.distribute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.operator.render.ObjectKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The distributor against a fake admin endpoint that records what it is sent. */
class DistributorTest {
  private static final String TOKEN = "admin-token-never-logged-0123456789";
  private static final ObjectKey FLEET = new ObjectKey("ns", "edge");

  /** One PUT received: its generation header and Authorization header, and its body. */
  record Received(long generation, String authorization, String body) {}

  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private volatile IntFunction<String[]> answer;
  private HttpServer server;
  private Distributor distributor;
  private final AtomicInteger progressEvents = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    answer = n -> applied(n);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/admin/config",
        exchange -> {
          long generation =
              Long.parseLong(exchange.getRequestHeaders().getFirst("X-Config-Generation"));
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Received(
                  generation, exchange.getRequestHeaders().getFirst("Authorization"), body));
          String[] reply = answer.apply((int) generation);
          byte[] bytes = reply[1].getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(Integer.parseInt(reply[0]), bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    distributor =
        new Distributor(
            DistributorSettings.defaults()
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(80)),
            PushMetrics.NONE);
    distributor.onProgress(f -> progressEvents.incrementAndGet());
  }

  @AfterEach
  void stop() {
    distributor.close();
    server.stop(0);
  }

  private static String[] applied(long generation) {
    return new String[] {
      "200",
      "{\"status\":\"applied\",\"generation\":" + generation + ",\"hash\":\"h" + generation + "\"}"
    };
  }

  private PodTarget pod(String name, String instance) {
    return pod(name, instance, true);
  }

  private PodTarget pod(String name, String instance, boolean ready) {
    return new PodTarget(name, instance, "127.0.0.1", server.getAddress().getPort(), ready);
  }

  /**
   * A distributor whose first retry comes after a minute at the earliest (30 s to 60 s with the
   * jitter): a push within the tests' 10 s deadline was caused by something else.
   */
  private void retryAfterAMinute() {
    distributor.close();
    distributor =
        new Distributor(
            DistributorSettings.defaults()
                .withBackoff(Duration.ofSeconds(60), Duration.ofSeconds(60)),
            PushMetrics.NONE);
  }

  /**
   * Offers generation {@code g} to p1 (not ready yet), which fails its first push and backs off.
   */
  private void failFirstPushAndBackOff(long g) throws Exception {
    retryAfterAMinute();
    answer = n -> new String[] {"503", "starting"};
    distributor.offer(FLEET, desired(g), List.of(pod("p1", "uid/0", false)));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !distributor.progress(FLEET).unreachable().isEmpty());
    answer = n -> applied(n);
  }

  private static ProxyConfig config(String bucket) throws Exception {
    return new ConfigParser(Environment.of(Map.of()))
        .parseYaml(
            "server: { listen: 0.0.0.0:8080 }\n"
                + "admin: { listen: 0.0.0.0:9090, tokenFile: /etc/token }\n"
                + "buckets:\n"
                + "  - name: "
                + bucket
                + "\n    pathPrefix: /"
                + bucket
                + "\n    s3: { bucket: "
                + bucket
                + ", region: us-east-1, credentials: { accessKeyId: AKIAEXAMPLE,"
                + " secretAccessKey: very-secret-key-0123456789 } }\n"
                + "    auth: { type: public }\n");
  }

  private static Distributor.Desired desired(long generation) throws Exception {
    ProxyConfig config = config("bucket" + generation);
    return new Distributor.Desired(
        config, ConfigWriter.contentHash(config), generation, TOKEN, System.nanoTime());
  }

  private List<Long> generationsReceived() {
    List<Long> generations = new ArrayList<>();
    received.forEach(r -> generations.add(r.generation()));
    return generations;
  }

  @Test
  void aBurstOfSnapshotsBecomesOnePushOfTheLatest() throws Exception {
    List<PodTarget> pods = List.of(pod("p1", "1"));
    List<Distributor.Desired> burst = new ArrayList<>();
    for (long g = 1; g <= 5; g++) {
      burst.add(desired(g));
    }
    // The distributor's thread is held until the whole burst is offered, so the debounced flush
    // runs after the last offer however slowly the offers come (a loaded machine).
    distributor.close();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch burstOffered = new CountDownLatch(1);
    scheduler.execute(
        () -> {
          try {
            burstOffered.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    distributor =
        new Distributor(
            DistributorSettings.defaults()
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(80)),
            PushMetrics.NONE,
            scheduler);
    for (Distributor.Desired desired : burst) {
      distributor.offer(FLEET, desired, pods);
    }
    assertThat(received).isEmpty();
    burstOffered.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(generationsReceived()).containsExactly(5L);
    assertThat(distributor.progress(FLEET).describe()).isEqualTo("1/1 ready pods at generation 5");
  }

  @Test
  void anOlderGenerationIsNeverPushed() throws Exception {
    List<PodTarget> pods = List.of(pod("p1", "1"));
    distributor.offer(FLEET, desired(7), pods);
    await().atMost(Duration.ofSeconds(5)).until(() -> distributor.progress(FLEET).programmed());
    distributor.offer(FLEET, desired(6), pods);
    distributor.offer(FLEET, desired(7), pods);
    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(generationsReceived()).containsExactly(7L);
    assertThat(distributor.progress(FLEET).generation()).isEqualTo(7);
  }

  @Test
  void aPodThatAcknowledgedIsPushedAgainOnlyWhenItRestarts() throws Exception {
    distributor.offer(FLEET, desired(3), List.of(pod("p1", "uid/1")));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    distributor.offer(FLEET, desired(3), List.of(pod("p1", "uid/1")));
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(received).hasSize(1);
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/2")));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    assertThat(generationsReceived()).containsExactly(3L, 3L);
  }

  @Test
  void anUnreachablePodIsRetriedWithBackoffUntilItAnswers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    answer = g -> calls.incrementAndGet() <= 2 ? new String[] {"503", "busy"} : applied(g);
    distributor.offer(FLEET, desired(2), List.of(pod("p1", "1")));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              FleetProgress progress = distributor.progress(FLEET);
              if (!progress.programmed()) {
                assertThat(progress.describe()).contains("unreachable: HTTP 503");
              }
              assertThat(progress.programmed()).isTrue();
            });
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void aRejectedGenerationIsReportedAndNotPushedAgainButTheNextOneIs() throws Exception {
    answer =
        g ->
            g == 4
                ? new String[] {
                  "422",
                  "{\"status\":\"rejected\",\"generation\":3,\"hash\":\"h3\","
                      + "\"errors\":[\"jwt.issuers[0].keys[0]: cannot load\",\"second\"]}"
                }
                : applied(g);
    List<PodTarget> pods = List.of(pod("p1", "1"));
    distributor.offer(FLEET, desired(4), pods);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !distributor.progress(FLEET).rejected().isEmpty());
    assertThat(distributor.progress(FLEET).describe())
        .isEqualTo(
            "0/1 ready pods at generation 4; pod p1 (127.0.0.1) rejected generation 4:"
                + " jwt.issuers[0].keys[0]: cannot load; second");
    assertThat(distributor.progress(FLEET).programmedGeneration()).isEqualTo(3);
    distributor.offer(FLEET, desired(4), pods);
    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
    assertThat(generationsReceived()).containsExactly(4L);
    distributor.offer(FLEET, desired(5), pods);
    await().atMost(Duration.ofSeconds(5)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(generationsReceived()).containsExactly(4L, 5L);
  }

  @Test
  void theTokenTravelsOnlyInTheAuthorizationHeader() throws Exception {
    distributor.offer(FLEET, desired(1), List.of(pod("p1", "1")));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    Received push = received.peek();
    assertThat(push.authorization()).isEqualTo("Bearer " + TOKEN);
    assertThat(push.body()).doesNotContain(TOKEN).contains("\"generation\": 1");
    assertThat(desired(1).toString()).doesNotContain(TOKEN).doesNotContain("very-secret-key");
    // The progress event follows the pod's answer on the distributor's thread.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(progressEvents.get()).isPositive());
  }

  @Test
  void aPodThatTurnsReadyDuringBackoffIsPushedAtOnce() throws Exception {
    failFirstPushAndBackOff(4);
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", true)));
    await().atMost(Duration.ofSeconds(10)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(generationsReceived()).containsExactly(4L, 4L);
    assertThat(distributor.progress(FLEET).describe()).isEqualTo("1/1 ready pods at generation 4");
  }

  @Test
  void aRestartedPodIsPushedAtOnceDuringBackoff() throws Exception {
    failFirstPushAndBackOff(5);
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/1", true)));
    await().atMost(Duration.ofSeconds(10)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(generationsReceived()).containsExactly(5L, 5L);
  }

  @Test
  void aNewSnapshotDuringBackoffWaitsForTheRetryButAReadyTransitionDoesNot() throws Exception {
    failFirstPushAndBackOff(6);
    distributor.offer(FLEET, desired(7), List.of(pod("p1", "uid/0", false)));
    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(generationsReceived()).containsExactly(6L);
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", true)));
    await().atMost(Duration.ofSeconds(10)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(generationsReceived()).containsExactly(6L, 7L);
  }

  @Test
  void aPodThatStaysDownOrLosesReadinessKeepsItsBackoff() throws Exception {
    failFirstPushAndBackOff(8);
    answer = n -> new String[] {"503", "starting"};
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", false)));
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", true)));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
    // Ready, then not ready again: nothing to push to until it comes back or the retry is due.
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", false)));
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", false)));
    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(received).hasSize(2);
    assertThat(distributor.progress(FLEET).describe())
        .contains("pod p1 (127.0.0.1) unreachable: HTTP 503");
  }

  @Test
  void aFailedPushStartedBeforeThePodTurnedReadyIsNotReportedAndIsRepeatedAtOnce()
      throws Exception {
    retryAfterAMinute();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    answer =
        n -> {
          if (calls.incrementAndGet() == 1) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new String[] {"503", "starting"};
          }
          return applied(n);
        };
    List<String> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    distributor.onProgress(f -> reported.add(distributor.progress(FLEET).describe()));
    distributor.offer(FLEET, desired(9), List.of(pod("p1", "uid/0", false)));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", true)));
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(generationsReceived()).containsExactly(9L, 9L);
    assertThat(reported).noneMatch(m -> m.contains("unreachable"));
  }

  @Test
  void theLatestAnswerOfAPodDescribesIt() throws Exception {
    failFirstPushAndBackOff(10);
    assertThat(distributor.progress(FLEET).describe())
        .isEqualTo(
            "0/0 ready pods at generation 10; pod p1 (127.0.0.1) unreachable: HTTP 503 from the"
                + " admin listener; retrying with backoff");
    distributor.offer(FLEET, null, List.of(pod("p1", "uid/0", true)));
    await().atMost(Duration.ofSeconds(10)).until(() -> distributor.progress(FLEET).programmed());
    assertThat(distributor.progress(FLEET).describe()).isEqualTo("1/1 ready pods at generation 10");
    assertThat(distributor.progress(FLEET).unreachable()).isEmpty();
  }

  @Test
  void readinessAndAdminPortChangesAreTheOnesThatMayChangeAPushesOutcome() {
    PodTarget down = new PodTarget("p1", "u/1", "10.0.0.1", 9090, false);
    PodTarget up = new PodTarget("p1", "u/1", "10.0.0.1", 9090, true);
    assertThat(Distributor.mayAnswerDifferently(down, up)).isTrue();
    assertThat(Distributor.mayAnswerDifferently(up, down)).isFalse();
    assertThat(Distributor.mayAnswerDifferently(up, up)).isFalse();
    assertThat(
            Distributor.mayAnswerDifferently(
                up, new PodTarget("p1", "u/1", "10.0.0.1", 9091, true)))
        .isTrue();
    assertThat(
            Distributor.mayAnswerDifferently(
                down, new PodTarget("p1", "u/1", "10.0.0.2", 9090, false)))
        .isTrue();
  }
}
