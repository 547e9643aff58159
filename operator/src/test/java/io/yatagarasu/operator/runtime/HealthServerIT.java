package io.yatagarasu.operator.runtime;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class HealthServerIT {
  static KubernetesClient client;
  static OperatorHarness harness;
  static HealthServer server;
  static final AtomicBoolean READY = new AtomicBoolean(false);
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    harness = OperatorHarness.start(client);
    server = HealthServer.start(0, READY::get, harness.registry());
  }

  @AfterAll
  static void stop() {
    server.close();
    harness.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzFollowsTheOperatorsReadiness() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    READY.set(false);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);
    READY.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsCountReconcilesAndRenderTime() throws Exception {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    await().atMost(TIMEOUT).until(() -> harness.configSecret(ns, "edge") != null);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              String metrics = get("/metrics").body();
              assertThat(metrics)
                  .contains(
                      "yatagarasu_operator_reconciles_total{kind=\"S3ProxyConfig\",result=\"success\"}",
                      "yatagarasu_operator_render_seconds_count",
                      "yatagarasu_operator_snapshots_total");
              assertThat(metrics).doesNotContain(ns);
            });
  }
}
