package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.yatagarasu.operator.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the operator writes the status of its custom resources, seen from the API server: a whole
 * replacement of the status subresource (with the resourceVersion it was computed from, which a
 * real API server checks). A JSON Patch computed against an outdated copy addresses list entries by
 * index and, applied to the newer object, listed a pod twice in {@code status.tls.pods}.
 */
@EnableKubernetesMockClient(crud = true)
class StatusWritesIT {
  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  @BeforeAll
  static void startOperator() throws Exception {
    harness = OperatorHarness.start(client);
  }

  @AfterAll
  static void stopOperator() {
    harness.close();
  }

  @Test
  void statusIsReplacedWithTheResourceVersionItWasComputedFromNeverPatchedByIndex()
      throws Exception {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "photos", "edge", "/photos", null));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.bucketVerdict(ns, "photos", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.fleet(ns, "edge").getStatus()).isNotNull();
            });

    List<RecordedRequest> writes = new ArrayList<>();
    for (RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        request != null;
        request = server.takeRequest(1, TimeUnit.SECONDS)) {
      String path = request.getPath();
      if (path.contains("/namespaces/" + ns + "/") && path.split("\\?")[0].endsWith("/status")) {
        writes.add(request);
      }
    }

    assertThat(writes)
        .as("status writes of the fleet and the bucket")
        .anyMatch(r -> r.getPath().contains("/s3proxyconfigs/edge/status"))
        .anyMatch(r -> r.getPath().contains("/s3proxybuckets/photos/status"));
    assertThat(writes)
        .as("whole replacements (PUT), no JSON Patch")
        .allSatisfy(write -> assertThat(write.getMethod()).as(write.getPath()).isEqualTo("PUT"));
  }
}
