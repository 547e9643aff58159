package io.yatagarasu.operator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.ObjectKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recorder against the mock API server in CRUD mode: what the Events hold, and their limits.
 */
@EnableKubernetesMockClient(crud = true)
class EventRecorderIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  static KubernetesClient client;
  private static int namespaces;
  private EventRecorder recorder;

  @BeforeAll
  static void crds() throws Exception {
    OperatorHarness.installCrds(client);
  }

  @AfterEach
  void close() {
    if (recorder != null) {
      recorder.close();
    }
  }

  private EventRecorder recorder(Duration repeatInterval, int burst) {
    recorder =
        new EventRecorder(
            client,
            "operator-0",
            Clock.systemUTC(),
            new EventRecorder.Settings(100, 100, repeatInterval, burst, Duration.ofHours(1)));
    return recorder;
  }

  private static S3ProxyConfig fleet() {
    String ns = "events-" + (++namespaces);
    return client.resource(OperatorHarness.fleet(ns, "edge", 1)).create();
  }

  private static List<Event> events(String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  @Test
  void recordsAnEventThatNamesTheObjectTheReasonAndTheReporter() {
    S3ProxyConfig fleet = fleet();
    String ns = fleet.getMetadata().getNamespace();
    recorder(Duration.ZERO, 10)
        .warning(fleet, FleetEvents.SNAPSHOT_REJECTED, "pod edge-a rejected generation 3: x");

    await().atMost(TIMEOUT).until(() -> events(ns).size() == 1);
    Event event = events(ns).get(0);
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("S3ProxyConfig");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("yatagarasu.io/v1alpha1");
    assertThat(event.getInvolvedObject().getNamespace()).isEqualTo(ns);
    assertThat(event.getInvolvedObject().getName()).isEqualTo("edge");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(fleet.getMetadata().getUid());
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("SnapshotRejected");
    assertThat(event.getMessage()).isEqualTo("pod edge-a rejected generation 3: x");
    assertThat(event.getCount()).isEqualTo(1);
    assertThat(event.getFirstTimestamp()).isNotBlank();
    assertThat(event.getSource().getComponent()).isEqualTo(EventRecorder.COMPONENT);
    assertThat(event.getReportingComponent()).isEqualTo(EventRecorder.COMPONENT);
    assertThat(event.getReportingInstance()).isEqualTo("operator-0");
    assertThat(event.getMetadata().getName()).startsWith("edge.");
  }

  @Test
  void deduplicatesRepeatsIntoOneEventWhoseCountGrows() {
    S3ProxyConfig fleet = fleet();
    String ns = fleet.getMetadata().getNamespace();
    EventRecorder events = recorder(Duration.ofMillis(200), 10);
    for (int i = 0; i < 5; i++) {
      events.normal(fleet, FleetEvents.PROGRAMMED, "2 ready pods run generation 4");
    }
    events.normal(fleet, FleetEvents.PROGRAMMED, "2 ready pods run generation 5");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              List<Event> all = events(ns);
              assertThat(all).hasSize(2);
              assertThat(all)
                  .filteredOn(e -> e.getMessage().endsWith("generation 4"))
                  .singleElement()
                  .satisfies(e -> assertThat(e.getCount()).isEqualTo(5));
              assertThat(all)
                  .filteredOn(e -> e.getMessage().endsWith("generation 5"))
                  .singleElement()
                  .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
            });
  }

  @Test
  void limitsHowManyDistinctEventsOneObjectGets() {
    S3ProxyConfig fleet = fleet();
    String ns = fleet.getMetadata().getNamespace();
    EventRecorder events = recorder(Duration.ZERO, 3);
    for (int i = 1; i <= 6; i++) {
      events.warning(fleet, FleetEvents.SNAPSHOT_REJECTED, "rejected generation " + i);
    }
    // A marker about another object is written after the six: once it is there, they were all
    // handled.
    S3ProxyConfig other = client.resource(OperatorHarness.fleet(ns, "other", 1)).create();
    events.normal(other, FleetEvents.PROGRAMMED, "marker");

    await()
        .atMost(TIMEOUT)
        .until(() -> events(ns).stream().anyMatch(e -> "marker".equals(e.getMessage())));
    assertThat(events(ns))
        .filteredOn(e -> e.getInvolvedObject().getName().equals("edge"))
        .extracting(Event::getMessage)
        .containsExactlyInAnyOrder(
            "rejected generation 1", "rejected generation 2", "rejected generation 3");
  }

  @Test
  void findsTheObjectOfAKeyForItsUidAndSkipsOneThatIsGone() {
    S3ProxyConfig fleet = fleet();
    String ns = fleet.getMetadata().getNamespace();
    EventRecorder events = recorder(Duration.ZERO, 10);
    events.record(
        S3ProxyConfig.class,
        new ObjectKey(ns, "missing"),
        EventRecorder.Type.Warning,
        FleetEvents.SNAPSHOT_REJECTED,
        "about nothing");
    events.record(
        S3ProxyConfig.class,
        ObjectKey.of(fleet),
        EventRecorder.Type.Warning,
        FleetEvents.SNAPSHOT_REJECTED,
        "pod edge-b rejected generation 2: y");

    await().atMost(TIMEOUT).until(() -> !events(ns).isEmpty());
    assertThat(events(ns))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(fleet.getMetadata().getUid());
              assertThat(e.getMessage()).contains("edge-b");
            });
  }

  @Test
  void aFailingApiServerNeverThrowsIntoTheCaller() {
    KubernetesClient unreachable =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:1")
                    .withRequestTimeout(100)
                    .withConnectionTimeout(100)
                    .build())
            .build();
    try (EventRecorder events =
        new EventRecorder(
            unreachable,
            null,
            Clock.systemUTC(),
            new EventRecorder.Settings(2, 10, Duration.ZERO, 10, Duration.ofHours(1)))) {
      S3ProxyConfig fleet = OperatorHarness.fleet("nowhere", "edge", 1);
      // More than the queue holds: the extra ones are dropped, none throws.
      for (int i = 0; i < 50; i++) {
        events.warning(fleet, FleetEvents.SNAPSHOT_REJECTED, "rejected generation " + i);
      }
    } finally {
      unreachable.close();
    }
  }
}
