package io.yatagarasu.operator.distribute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.yatagarasu.operator.render.ObjectKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The certificate probe against a fake admin endpoint that answers GET /admin/tls. */
class CertificateProbeTest {
  private static final String TOKEN = "admin-token-never-logged-0123456789";
  private static final ObjectKey FLEET = new ObjectKey("ns", "edge");
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger changes = new AtomicInteger();
  private final AtomicReference<String[]> answer = new AtomicReference<>(served("aa01"));
  private HttpServer server;
  private Distributor distributor;
  private CertificateProbe probe;

  private static String[] served(String serial) {
    return new String[] {
      "200",
      "{\"enabled\":true,\"serialNumber\":\""
          + serial
          + "\",\"notAfter\":\"2027-01-01T00:00:00Z\",\"subject\":\"CN=edge\"}"
    };
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/admin/tls",
        exchange -> {
          requests.incrementAndGet();
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          String[] reply = answer.get();
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
    probe = distributor.certificates();
    probe.onChange(f -> changes.incrementAndGet());
  }

  @AfterEach
  void stop() {
    distributor.close();
    server.stop(0);
  }

  private PodTarget pod(String name, String instance, boolean ready) {
    return new PodTarget(name, instance, "127.0.0.1", server.getAddress().getPort(), ready);
  }

  private CertificateAnswer answerOf(String pod) {
    return probe.certificates(FLEET).stream()
        .filter(p -> p.pod().equals(pod))
        .findFirst()
        .map(CertificateProbe.PodCertificate::answer)
        .orElse(null);
  }

  @Test
  void asksEachReadyPodOnceItServesTheExpectedCertificate() throws Exception {
    probe.observe(FLEET, "aa01", TOKEN, List.of(pod("p1", "a", true), pod("p2", "b", true)));
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                probe.certificates(FLEET).stream()
                    .allMatch(p -> p.answer() != null && "aa01".equals(p.answer().serialNumber())));
    assertThat(probe.certificates(FLEET))
        .extracting(CertificateProbe.PodCertificate::pod)
        .containsExactly("p1", "p2");
    assertThat(answerOf("p1").notAfter()).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(authorizations).containsOnly("Bearer " + TOKEN);
    int asked = requests.get();
    assertThat(asked).isEqualTo(2);
    await().atMost(DEADLINE).until(() -> changes.get() >= 2);

    // Reconciles of a fleet whose pods are current ask nothing more.
    for (int i = 0; i < 5; i++) {
      probe.observe(FLEET, "AA01", TOKEN, List.of(pod("p1", "a", true), pod("p2", "b", true)));
    }
    assertThat(requests.get()).isEqualTo(asked);
  }

  @Test
  void asksAgainWithBackoffUntilThePodServesTheNewCertificate() throws Exception {
    probe.observe(FLEET, "aa01", TOKEN, List.of(pod("p1", "a", true)));
    await().atMost(DEADLINE).until(() -> answerOf("p1") != null);

    // The Secret changed; the kubelet has not refreshed the pod's files yet.
    probe.observe(FLEET, "bb02", TOKEN, List.of(pod("p1", "a", true)));
    await().atMost(DEADLINE).until(() -> requests.get() >= 4);
    assertThat(answerOf("p1").serialNumber()).as("still the old one").isEqualTo("aa01");

    int before = changes.get();
    answer.set(served("bb02"));
    await().atMost(DEADLINE).until(() -> "bb02".equals(answerOf("p1").serialNumber()));
    await().atMost(DEADLINE).until(() -> changes.get() > before);
    int asked = requests.get();
    // Once current, the backoff's next check is not made.
    await()
        .pollDelay(Duration.ofMillis(300))
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(requests.get()).isEqualTo(asked));
  }

  @Test
  void tracksOnlyReadyPodsAndStartsOverForARestartedPod() throws Exception {
    probe.observe(FLEET, "aa01", TOKEN, List.of(pod("p1", "a", true), pod("p2", "b", false)));
    await().atMost(DEADLINE).until(() -> answerOf("p1") != null);
    assertThat(probe.certificates(FLEET))
        .extracting(CertificateProbe.PodCertificate::pod)
        .containsExactly("p1");

    int asked = requests.get();
    answer.set(served("cc03"));
    // p1 restarted (a new instance): what the old process served no longer holds.
    probe.observe(FLEET, "aa01", TOKEN, List.of(pod("p1", "a2", true)));
    await().atMost(DEADLINE).until(() -> requests.get() > asked);
    await().atMost(DEADLINE).until(() -> "cc03".equals(answerOf("p1").serialNumber()));

    probe.observe(FLEET, "aa01", TOKEN, List.of());
    assertThat(probe.certificates(FLEET)).isEmpty();
  }

  @Test
  void namesWhyAPodDidNotReportItsCertificate() throws Exception {
    answer.set(new String[] {"404", "{\"status\":\"not found\"}"});
    probe.observe(FLEET, "aa01", TOKEN, List.of(pod("p1", "a", true)));
    await().atMost(DEADLINE).until(() -> answerOf("p1") != null);
    assertThat(answerOf("p1").result()).isEqualTo(CertificateAnswer.Result.NOT_SUPPORTED);
    assertThat(answerOf("p1").problem()).contains("GET /admin/tls");

    answer.set(new String[] {"200", "{\"enabled\":false}"});
    await()
        .atMost(DEADLINE)
        .until(() -> answerOf("p1").result() == CertificateAnswer.Result.NO_TLS);

    answer.set(new String[] {"401", "{\"status\":\"unauthorized\"}"});
    await()
        .atMost(DEADLINE)
        .until(() -> answerOf("p1").result() == CertificateAnswer.Result.UNREACHABLE);
    assertThat(answerOf("p1").problem()).contains("admin token was refused").doesNotContain(TOKEN);

    server.stop(0);
    await().atMost(DEADLINE).until(() -> answerOf("p1").problem().equals("connection refused"));
  }

  @Test
  void forgetsAFleetAndStopsAskingItsPods() throws Exception {
    answer.set(served("old"));
    probe.observe(FLEET, "new", TOKEN, List.of(pod("p1", "a", true)));
    await().atMost(DEADLINE).until(() -> requests.get() >= 2);
    probe.forget(FLEET);
    assertThat(probe.certificates(FLEET)).isEmpty();
    int asked = requests.get();
    await()
        .pollDelay(Duration.ofMillis(300))
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(requests.get()).isLessThanOrEqualTo(asked + 1));
  }
}
