package io.yatagarasu.operator.purge;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static io.yatagarasu.operator.OperatorHarness.keysOf;
import static io.yatagarasu.operator.OperatorHarness.purge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyCachePurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.PodPurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.Result;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.render.PodLayout;
import io.yatagarasu.operator.status.Conditions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real operator runs S3ProxyCachePurge objects against the mock API server (CRUD) and pods
 * whose admin listeners are real HTTP servers on 127.0.x.y speaking the purge contract.
 */
@EnableKubernetesMockClient(crud = true)
class CachePurgeIT {
  static KubernetesClient client;
  static OperatorHarness harness;
  private AdminPods pods;

  @BeforeAll
  static void startOperator() throws Exception {
    harness =
        OperatorHarness.start(
            client,
            DistributorSettings.defaults()
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(400)));
  }

  @AfterAll
  static void stopOperator() {
    harness.close();
  }

  @AfterEach
  void stopPods() {
    if (pods != null) {
      pods.close();
    }
  }

  @Test
  void purgesTheKeysOnEveryReadyPodAndCompletes() {
    String ns = harness.newNamespace();
    pods = fleetWithAssets(ns, 3);
    pods.all().forEach(p -> p.cache("assets", "img/a.png", "img/b.png", "css/site.css"));

    harness.create(purge(ns, "logo", keysOf("assets", "img/a.png", "css/site.css")));

    awaitVerdict(ns, "logo", "Complete", "True Purged");
    S3ProxyCachePurgeStatus status = status(ns, "logo");
    assertThat(status.getProgress()).isEqualTo("3/3");
    assertThat(status.getBucket()).isEqualTo("assets");
    assertThat(status.getWhat()).isEqualTo("2 keys");
    assertThat(status.getProxy()).isEqualTo(ns + "/edge");
    assertThat(status.getPurgedEntries()).isEqualTo(6);
    assertThat(status.getPods())
        .extracting(PodPurge::getName, PodPurge::getResult, PodPurge::getPurged)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("edge-1", Result.Purged, 2L),
            org.assertj.core.groups.Tuple.tuple("edge-2", Result.Purged, 2L),
            org.assertj.core.groups.Tuple.tuple("edge-3", Result.Purged, 2L));
    assertThat(status.getPods()).allSatisfy(p -> assertThat(p.getAttempts()).isEqualTo(1));
    for (AdminPods.AdminPod pod : pods.all()) {
      assertThat(pod.cache.get("assets")).containsExactly("img/b.png");
      assertThat(pod.purges).hasSize(1);
      assertThat(pod.purges.get(0).toString())
          .isEqualTo("{\"bucket\":\"assets\",\"keys\":[\"img/a.png\",\"css/site.css\"]}");
    }
    awaitEvents(ns, "logo", r -> r.containsOnlyOnce("Started", "Completed"));
  }

  @Test
  void purgesByPrefixInEveryBucketOfTheFleet() {
    String ns = harness.newNamespace();
    pods = fleetWithPods(ns, "edge", 2);
    pods.all()
        .forEach(
            p -> {
              p.cache("assets", "img/a.png", "doc/x.pdf");
              p.cache("media", "img/c.jpg", "img/d.jpg");
            });

    harness.create(
        purge(
            ns,
            "images",
            s -> {
              s.setProxyRef(new S3ProxyCachePurgeSpec.LocalRef("edge"));
              s.setPrefixes(List.of("img/"));
            }));

    awaitVerdict(ns, "images", "Complete", "True Purged");
    S3ProxyCachePurgeStatus status = status(ns, "images");
    assertThat(status.getBucket()).isEqualTo("*");
    assertThat(status.getWhat()).isEqualTo("1 prefix");
    assertThat(status.getPurgedEntries()).isEqualTo(6);
    for (AdminPods.AdminPod pod : pods.all()) {
      assertThat(pod.cache.get("assets")).containsExactly("doc/x.pdf");
      assertThat(pod.cache.get("media")).isEmpty();
      assertThat(pod.purges.get(0).toString()).isEqualTo("{\"prefixes\":[\"img/\"]}");
    }
  }

  @Test
  void aPodWithoutTheBucketCountsAsPurgedWithNothingDropped() {
    String ns = harness.newNamespace();
    pods = fleetWithAssets(ns, 2);
    pods.pod(1).cache("assets", "a");

    harness.create(
        purge(
            ns,
            "everything",
            s -> {
              s.setBucketRef(new S3ProxyCachePurgeSpec.LocalRef("assets"));
              s.setAll(true);
            }));

    awaitVerdict(ns, "everything", "Complete", "True Purged");
    S3ProxyCachePurgeStatus status = status(ns, "everything");
    assertThat(status.getWhat()).isEqualTo("all");
    assertThat(status.getPods())
        .extracting(PodPurge::getResult, PodPurge::getPurged)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Result.Purged, 1L),
            org.assertj.core.groups.Tuple.tuple(Result.Purged, 0L));
    assertThat(status.getPods().get(1).getMessage()).contains("no bucket assets");
  }

  @Test
  void anUnreachablePodIsRetriedAndThePurgeCompletesWhenItComesBack() {
    String ns = harness.newNamespace();
    pods = fleetWithAssets(ns, 3);
    pods.all().forEach(p -> p.cache("assets", "a"));
    pods.pod(2).stop();

    harness.create(purge(ns, "retry", keysOf("assets", "a")));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              PodPurge down = podStatus(ns, "retry", "edge-2");
              assertThat(down.getResult()).isEqualTo(Result.Unreachable);
              assertThat(down.getMessage()).isEqualTo("connection refused");
              assertThat(down.getAttempts()).isGreaterThanOrEqualTo(2);
              assertThat(down.getIp()).isEqualTo(pods.pod(2).ip);
              assertThat(status(ns, "retry").getProgress()).isEqualTo("2/3");
              assertThat(verdict(ns, "retry")).isEqualTo("False InProgress");
            });
    assertThat(condition(ns, "retry", "Complete").getMessage())
        .contains("edge-2 (Unreachable: connection refused");
    awaitEvents(ns, "retry", r -> r.contains("PodUnreachable"));

    pods.pod(2).start(token(ns, "edge"));

    awaitVerdict(ns, "retry", "Complete", "True Purged");
    assertThat(status(ns, "retry").getProgress()).isEqualTo("3/3");
    assertThat(pods.pod(2).cache.get("assets")).isEmpty();
    // The token never reaches status or events.
    String token = token(ns, "edge");
    assertThat(client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName("retry").get())
        .asString()
        .doesNotContain(token);
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(token));
  }

  @Test
  void failsAtTheDeadlineNamingThePodsThatDidNotPurge() {
    String ns = harness.newNamespace();
    pods = fleetWithAssets(ns, 2);
    pods.pod(1).stop();

    harness.create(purge(ns, "late", keysOf("assets", "a").andThen(s -> s.setDeadlineSeconds(2))));

    awaitVerdict(ns, "late", "Failed", "True DeadlineExceeded");
    assertThat(verdict(ns, "late")).isEqualTo("False DeadlineExceeded");
    assertThat(condition(ns, "late", "Failed").getMessage())
        .contains("1/2 pods purged", "edge-1 (Unreachable: connection refused");
    assertThat(status(ns, "late").getCompletionTime()).isNotNull();
    awaitEvents(ns, "late", r -> r.contains("Failed"));
  }

  @Test
  void aPodThatRestartedOrWasDeletedCountsAsPurged() {
    String ns = harness.newNamespace();
    pods = fleetWithAssets(ns, 3);
    pods.pod(1).stop();
    pods.pod(2).stop();

    harness.create(
        purge(
            ns,
            "gone",
            s -> {
              s.setBucketRef(new S3ProxyCachePurgeSpec.LocalRef("assets"));
              s.setPrefixes(List.of("img/"));
            }));
    awaitPodResult(ns, "gone", "edge-1", Result.Unreachable);

    pods.restarted(1);
    pods.deleted(2);

    awaitVerdict(ns, "gone", "Complete", "True Purged");
    assertThat(status(ns, "gone").getPods())
        .extracting(PodPurge::getName, PodPurge::getResult)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("edge-1", Result.Restarted),
            org.assertj.core.groups.Tuple.tuple("edge-2", Result.Deleted),
            org.assertj.core.groups.Tuple.tuple("edge-3", Result.Purged));
  }

  @Test
  void aFinishedPurgeIsDeletedAfterItsTimeToLive() {
    String ns = harness.newNamespace();
    pods = fleetWithPods(ns, "edge", 1);
    harness.create(
        purge(
            ns,
            "short",
            s -> {
              s.setProxyRef(new S3ProxyCachePurgeSpec.LocalRef("edge"));
              s.setAll(true);
              s.setTtlSecondsAfterFinished(1);
            }));
    harness.create(
        purge(
            ns,
            "kept",
            s -> {
              s.setProxyRef(new S3ProxyCachePurgeSpec.LocalRef("edge"));
              s.setAll(true);
            }));

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName("short").get()
                    == null);
    assertThat(verdict(ns, "kept")).isEqualTo("True Purged");
  }

  @Test
  void waitsForAMissingBucketAndFailsAtTheDeadline() {
    String ns = harness.newNamespace();
    harness.create(
        purge(
            ns,
            "nobucket",
            s -> {
              s.setBucketRef(new S3ProxyCachePurgeSpec.LocalRef("missing"));
              s.setKeys(List.of("a"));
              s.setDeadlineSeconds(2);
            }));

    awaitVerdict(ns, "nobucket", "Complete", "False BucketNotFound");
    assertThat(condition(ns, "nobucket", "Complete").getMessage())
        .contains("spec.bucketRef", "missing");
    awaitVerdict(ns, "nobucket", "Failed", "True BucketNotFound");
  }

  @Test
  void resumesTheRecordedPodsAfterAnOperatorRestart() {
    String ns = harness.newNamespace();
    pods = fleetWithAssets(ns, 2);
    pods.pod(2).stop();
    harness.create(purge(ns, "resume", keysOf("assets", "a")));
    awaitPodResult(ns, "resume", "edge-2", Result.Unreachable);
    String started = status(ns, "resume").getStartTime();

    harness.stopOperator();
    pods.pod(2).start(token(ns, "edge"));
    harness.startOperator();

    awaitVerdict(ns, "resume", "Complete", "True Purged");
    S3ProxyCachePurgeStatus status = status(ns, "resume");
    assertThat(status.getStartTime()).isEqualTo(started);
    assertThat(status.getPods()).extracting(PodPurge::getName).containsExactly("edge-1", "edge-2");
    // edge-1 purged before the restart and is not asked again.
    assertThat(pods.pod(1).purges).hasSize(1);
  }

  // --- helpers ---

  /** A fleet "edge" of {@code count} pods with the bucket "assets" on /assets. */
  private AdminPods fleetWithAssets(String ns, int count) {
    AdminPods started = fleetWithPods(ns, "edge", count);
    harness.create(bucket(ns, "assets", "edge", "/assets", null));
    return started;
  }

  private AdminPods fleetWithPods(String ns, String name, int count) {
    harness.create(fleet(ns, name, count));
    return new AdminPods(client, ns, name).start(count, token(ns, name));
  }

  private static String token(String ns, String fleet) {
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.secrets().inNamespace(ns).withName(fleet + "-admin-token").get() != null);
    Secret secret = client.secrets().inNamespace(ns).withName(fleet + "-admin-token").get();
    return new String(
            Base64.getDecoder().decode(secret.getData().get(PodLayout.ADMIN_TOKEN_KEY)),
            StandardCharsets.UTF_8)
        .strip();
  }

  private static S3ProxyCachePurgeStatus status(String ns, String name) {
    S3ProxyCachePurge purge =
        client.resources(S3ProxyCachePurge.class).inNamespace(ns).withName(name).get();
    return purge == null || purge.getStatus() == null
        ? new S3ProxyCachePurgeStatus()
        : purge.getStatus();
  }

  private static PodPurge podStatus(String ns, String name, String pod) {
    List<PodPurge> list = status(ns, name).getPods();
    return list == null
        ? new PodPurge()
        : list.stream().filter(p -> pod.equals(p.getName())).findFirst().orElse(new PodPurge());
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      String ns, String name, String type) {
    return Conditions.find(status(ns, name).getConditions(), type);
  }

  /** "Status Reason" of the Complete condition, or "absent". */
  private static String verdict(String ns, String name) {
    return verdict(ns, name, "Complete");
  }

  /** "Status Reason" of a condition, or "absent". */
  private static String verdict(String ns, String name, String type) {
    var c = condition(ns, name, type);
    return c == null ? "absent" : c.getStatus() + " " + c.getReason();
  }

  /** Waits until the purge's {@code type} condition reads {@code expected} ("Status Reason"). */
  private static void awaitVerdict(String ns, String name, String type, String expected) {
    await().atMost(TIMEOUT).until(() -> verdict(ns, name, type).equals(expected));
  }

  /** Waits until the purge's status records {@code result} for {@code pod}. */
  private static void awaitPodResult(String ns, String name, String pod, Result result) {
    await().atMost(TIMEOUT).until(() -> podStatus(ns, name, pod).getResult() == result);
  }

  /** Waits until the reasons of the purge's events pass {@code check}. */
  private static void awaitEvents(String ns, String name, Consumer<ListAssert<String>> check) {
    await().atMost(TIMEOUT).untilAsserted(() -> check.accept(assertThat(reasons(ns, name))));
  }

  private static List<String> reasons(String ns, String name) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }
}
