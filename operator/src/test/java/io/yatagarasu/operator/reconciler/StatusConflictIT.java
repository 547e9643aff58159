package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.yatagarasu.operator.MockApi;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.OptimisticLockingDispatcher;
import io.yatagarasu.operator.OptimisticLockingDispatcher.Put;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status writes against an API server that enforces optimistic locking, as a real one does: a
 * status computed from an object that another writer has changed since is refused with a conflict,
 * and the operator puts it on the newer object instead of dropping it or overwriting the change.
 */
class StatusConflictIT {
  static final OptimisticLockingDispatcher DISPATCHER = new OptimisticLockingDispatcher();
  static MockApi api;
  static KubernetesClient client;
  static OperatorHarness harness;

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start(DISPATCHER);
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
  void aStatusWriteRefusedForAConflictIsPutOnTheNewerObject() throws Exception {
    String ns = harness.newNamespace();
    String status = "/apis/yatagarasu.io/v1alpha1/namespaces/" + ns + "/s3proxyconfigs/edge/status";
    CountDownLatch refused = DISPATCHER.refuseNextPut(status);
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "photos", "edge", "/photos", null));

    assertThat(refused.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .as("the operator wrote the fleet's status")
        .isTrue();
    // The other writer, whose change the refused status write had not seen; like any client, it
    // tries again when its own write meets a conflict.
    String newer =
        await()
            .atMost(TIMEOUT)
            .ignoreExceptionsInstanceOf(KubernetesClientException.class)
            .until(
                () ->
                    client
                        .resources(S3ProxyConfig.class)
                        .inNamespace(ns)
                        .withName("edge")
                        .edit(
                            fleet -> {
                              fleet
                                  .getMetadata()
                                  .setAnnotations(Map.of("example.org/owner", "team-a"));
                              return fleet;
                            })
                        .getMetadata()
                        .getResourceVersion(),
                Objects::nonNull);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              List<Put> puts = DISPATCHER.puts(status);
              assertThat(puts).hasSizeGreaterThanOrEqualTo(2);
              assertThat(puts.get(0).code()).as("the refused write").isEqualTo(409);
              assertThat(puts.get(1))
                  .as("the write after the conflict, on the newer object")
                  .isEqualTo(new Put(status, newer, 200));
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              S3ProxyConfig stored = harness.fleet(ns, "edge");
              assertThat(stored.getStatus().getObservedGeneration()).isEqualTo(1L);
              assertThat(stored.getStatus().getBuckets().getAccepted()).isEqualTo(1);
              assertThat(harness.fleetVerdict(ns, "edge", "Degraded"))
                  .isEqualTo("False AsExpected");
              assertThat(stored.getStatus().getConditions())
                  .extracting(Condition::getType)
                  .doesNotHaveDuplicates();
              assertThat(stored.getMetadata().getAnnotations())
                  .containsEntry("example.org/owner", "team-a");
            });
  }
}
