package io.yatagarasu.operator.events;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.credentials;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.operator.DiscoveryCrudDispatcher;
import io.yatagarasu.operator.Kubectl;
import io.yatagarasu.operator.MockApi;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.distribute.Distributor;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.distribute.PodTarget;
import io.yatagarasu.operator.distribute.PushMetrics;
import io.yatagarasu.operator.render.ObjectKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events the running operator records, read back from the mock API server (CRUD mode) as {@code
 * kubectl get events} would list them: on buckets that are not attached or miss a Secret, on fleets
 * whose Secret rotated or whose spec is invalid, and, from the distributor, a snapshot a pod
 * rejected and a fleet programmed at a generation.
 */
class FleetEventsIT {
  static MockApi api;
  static KubernetesClient client;
  static OperatorHarness harness;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start(new DiscoveryCrudDispatcher());
    client = api.client();
    harness = api.harness();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void kubectlListsTheEventsOfTheObjects() throws Exception {
    Kubectl kubectl = Kubectl.find(client, dir);
    Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH");
    String ns = harness.newNamespace();
    S3ProxyConfig edge = harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "private", "edge", "/private", "no-such-secret"));
    harness.create(bucket(ns, "orphan", "nowhere", "/orphan", null));
    pushRejectedThenApplied(edge, "edge-7c9d-x2v4q");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                !events(ns, about("S3ProxyBucket", "private", "SecretNotFound")).isEmpty()
                    && !events(ns, about("S3ProxyBucket", "orphan", "ProxyNotFound")).isEmpty());

    String listed =
        kubectl.run(
            "",
            "get",
            "events",
            "-n",
            ns,
            "--sort-by=.metadata.name",
            "-o",
            "custom-columns=TYPE:.type,REASON:.reason,OBJECT:.involvedObject.kind,"
                + "NAME:.involvedObject.name,COUNT:.count,MESSAGE:.message");
    System.out.println("kubectl get events -n " + ns + "\n" + listed);
    assertThat(listed.lines().findFirst().orElseThrow())
        .matches("TYPE +REASON +OBJECT +NAME +COUNT +MESSAGE");
    assertThat(listed)
        .containsPattern("Warning +SecretNotFound +S3ProxyBucket +private +1 +.*no-such-secret")
        .containsPattern("Warning +ProxyNotFound +S3ProxyBucket +orphan +1 +S3ProxyConfig ")
        .containsPattern("Warning +SnapshotRejected +S3ProxyConfig +edge +1 +pod edge-7c9d-x2v4q ")
        .containsPattern("Normal +Programmed +S3ProxyConfig +edge +1 +1 ready pod runs");
  }

  private static List<Event> events(String ns, Predicate<Event> which) {
    return client.v1().events().inNamespace(ns).list().getItems().stream().filter(which).toList();
  }

  private static Predicate<Event> about(String kind, String name, String reason) {
    return e ->
        kind.equals(e.getInvolvedObject().getKind())
            && name.equals(e.getInvolvedObject().getName())
            && reason.equals(e.getReason());
  }

  @Test
  void aBucketWhoseSecretIsMissingGetsAWarningNamingTheSecret() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "private", "edge", "/private", "no-such-secret"));

    await()
        .atMost(TIMEOUT)
        .until(() -> !events(ns, about("S3ProxyBucket", "private", "SecretNotFound")).isEmpty());
    Event event = events(ns, about("S3ProxyBucket", "private", "SecretNotFound")).get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).contains("no-such-secret");
    assertThat(event.getInvolvedObject().getUid())
        .isEqualTo(harness.bucket(ns, "private").getMetadata().getUid());
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("yatagarasu.io/v1alpha1");
  }

  @Test
  void aBucketThatIsNotAttachedGetsAWarningSayingWhyAndOnlyOnce() {
    String ns = harness.newNamespace();
    harness.create(bucket(ns, "orphan", "nowhere", "/orphan", null));

    await()
        .atMost(TIMEOUT)
        .until(() -> !events(ns, about("S3ProxyBucket", "orphan", "ProxyNotFound")).isEmpty());
    // Touching the bucket reconciles it again with the same verdict: still one Event.
    harness.edit(
        io.yatagarasu.operator.crd.S3ProxyBucket.class,
        ns,
        "orphan",
        b -> {
          b.getMetadata().setLabels(Map.of("touched", "yes"));
          return b;
        });
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucket(ns, "orphan").getMetadata().getLabels() != null);
    List<Event> events = events(ns, about("S3ProxyBucket", "orphan", "ProxyNotFound"));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getType()).isEqualTo("Warning");
    assertThat(events.get(0).getMessage()).contains("S3ProxyConfig " + ns + "/nowhere not found");
  }

  @Test
  void aRotatedSecretIsAnnouncedOnTheFleetWithTheNewGeneration() {
    String ns = harness.newNamespace();
    harness.create(credentials(ns, "creds", "first-secret-value", true));
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "private", "edge", "/private", "creds"));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> harness.bucketVerdict(ns, "private", "ResolvedRefs").equals("True ResolvedRefs"));
    long before = harness.storedGeneration(ns, "edge");

    harness.edit(
        Secret.class,
        ns,
        "creds",
        s -> {
          s.getData().put("AWS_SECRET_ACCESS_KEY", OperatorHarness.base64("second-secret-value"));
          return s;
        });

    await()
        .atMost(TIMEOUT)
        .until(() -> !events(ns, about("S3ProxyConfig", "edge", "CredentialsRotated")).isEmpty());
    Event event = events(ns, about("S3ProxyConfig", "edge", "CredentialsRotated")).get(0);
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getMessage())
        .isEqualTo(
            "Secret "
                + ns
                + "/creds changed: generation "
                + (before + 1)
                + " carries the new values and is being pushed to the pods");
    assertThat(harness.storedGeneration(ns, "edge")).isEqualTo(before + 1);
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .allSatisfy(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("first-secret-value")
                    .doesNotContain("second-secret-value"));
  }

  @Test
  void anInvalidFleetGetsAWarningWithTheField() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "files", "edge", "/files", null));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "files", "Accepted").equals("True Accepted"));
    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          var upstream = new io.yatagarasu.operator.crd.UpstreamSettings();
          upstream.setConnectTimeout("0s");
          f.getSpec().setUpstream(upstream);
          return f;
        });

    await()
        .atMost(TIMEOUT)
        .until(() -> !events(ns, about("S3ProxyConfig", "edge", "FleetInvalid")).isEmpty());
    Event event = events(ns, about("S3ProxyConfig", "edge", "FleetInvalid")).get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage())
        .startsWith("the pods keep serving the last snapshot: ")
        .contains("connectTimeout");
  }

  @Test
  void aPodThatRejectsTheSnapshotIsNamedAndAProgrammedFleetIsAnnounced() throws Exception {
    String ns = harness.newNamespace();
    S3ProxyConfig fleet = harness.create(fleet(ns, "pushed", 1));
    pushRejectedThenApplied(fleet, "pushed-7c9d-x2v4q");

    Event rejected = events(ns, about("S3ProxyConfig", "pushed", "SnapshotRejected")).get(0);
    assertThat(rejected.getType()).isEqualTo("Warning");
    assertThat(rejected.getMessage())
        .isEqualTo(
            "pod pushed-7c9d-x2v4q rejected generation 4: buckets[0].s3.region: must not be empty");
    assertThat(rejected.getInvolvedObject().getUid()).isEqualTo(fleet.getMetadata().getUid());
    Event programmed = events(ns, about("S3ProxyConfig", "pushed", "Programmed")).get(0);
    assertThat(programmed.getType()).isEqualTo("Normal");
    assertThat(programmed.getMessage()).isEqualTo("1 ready pod runs generation 5");
  }

  /**
   * A distributor (with the operator's event wiring) pushes generation 4 to a pod that rejects it,
   * then generation 5, which it applies; returns once both events are recorded.
   */
  private static void pushRejectedThenApplied(S3ProxyConfig fleet, String podName)
      throws Exception {
    String ns = fleet.getMetadata().getNamespace();
    String name = fleet.getMetadata().getName();
    HttpServer pod = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pod.createContext(
        "/admin/config",
        exchange -> {
          long generation =
              Long.parseLong(exchange.getRequestHeaders().getFirst("X-Config-Generation"));
          exchange.getRequestBody().readAllBytes();
          String body =
              generation == 4
                  ? "{\"status\":\"rejected\",\"generation\":3,\"hash\":\"h3\","
                      + "\"errors\":[\"buckets[0].s3.region: must not be empty\"]}"
                  : "{\"status\":\"applied\",\"generation\":"
                      + generation
                      + ",\"hash\":\"h"
                      + generation
                      + "\"}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(generation == 4 ? 422 : 200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    pod.start();
    EventRecorder recorder =
        new EventRecorder(
            client, "operator-0", Clock.systemUTC(), EventRecorder.Settings.defaults());
    Distributor distributor = new Distributor(DistributorSettings.defaults(), PushMetrics.NONE);
    try {
      distributor.onEvents(new FleetEvents(recorder));
      List<PodTarget> pods =
          List.of(new PodTarget(podName, "uid/1", "127.0.0.1", pod.getAddress().getPort(), true));
      ObjectKey key = ObjectKey.of(fleet);
      distributor.offer(key, desired(4), pods);
      await()
          .atMost(TIMEOUT)
          .until(() -> !events(ns, about("S3ProxyConfig", name, "SnapshotRejected")).isEmpty());
      distributor.offer(key, desired(5), pods);
      await()
          .atMost(TIMEOUT)
          .until(() -> !events(ns, about("S3ProxyConfig", name, "Programmed")).isEmpty());
    } finally {
      distributor.close();
      recorder.close();
      pod.stop(0);
    }
  }

  private static Distributor.Desired desired(long generation) throws Exception {
    ProxyConfig config =
        new ConfigParser(Environment.of(Map.of()))
            .parseYaml(
                "server: { listen: 0.0.0.0:8080 }\n"
                    + "admin: { listen: 0.0.0.0:9090, tokenFile: /etc/token }\n"
                    + "buckets:\n"
                    + "  - name: files"
                    + generation
                    + "\n    pathPrefix: /files"
                    + generation
                    + "\n    s3: { bucket: files, region: us-east-1 }\n"
                    + "    auth: { type: public }\n");
    return new Distributor.Desired(
        config,
        ConfigWriter.contentHash(config),
        generation,
        "admin-token-0123456789abcdef",
        System.nanoTime());
  }
}
