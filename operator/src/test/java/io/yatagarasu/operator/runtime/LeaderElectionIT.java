package io.yatagarasu.operator.runtime;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.credentials;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yatagarasu.operator.OperatorHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionIT {
  static KubernetesClient client;
  static KubernetesMockServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeEach
  void allowLeases() {
    // java-operator-sdk checks it may use Leases before electing; the mock cannot answer that.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
  }

  @Test
  void onlyTheReplicaHoldingTheLeaseReconciles() throws Exception {
    OperatorHarness.installCrds(client);
    OperatorHarness harness = OperatorHarness.startWithoutOperator(client);
    String system = harness.newNamespace();
    String ns = harness.newNamespace();
    try (YatagarasuOperator first = harness.newOperator(system, "operator-a");
        YatagarasuOperator second = harness.newOperator(system, "operator-b")) {
      first.start();
      await()
          .atMost(TIMEOUT)
          .until(() -> holder(system) != null && holder(system).equals("operator-a"));
      second.start();

      harness.create(fleet(ns, "edge", 1));
      await().atMost(TIMEOUT).until(() -> harness.configSecret(ns, "edge") != null);

      // The standby keeps waiting while the leader renews.
      await().pollDelay(Duration.ofSeconds(3)).atMost(TIMEOUT).until(() -> true);
      assertThat(holder(system)).isEqualTo("operator-a");
      assertThat(first.leader()).isTrue();
      assertThat(second.leader()).isFalse();
    }
  }

  @Test
  void standbyIsReadyAndTakesOverWhenTheLeaderDies() throws Exception {
    OperatorHarness.installCrds(client);
    OperatorHarness harness = OperatorHarness.startWithoutOperator(client);
    String system = harness.newNamespace();
    String ns = harness.newNamespace();
    PrometheusMeterRegistry metricsA = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry metricsB = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    YatagarasuOperator first = harness.newOperator(system, "operator-a", metricsA);
    boolean firstClosed = false;
    try (YatagarasuOperator second = harness.newOperator(system, "operator-b", metricsB);
        HealthServer healthA = HealthServer.start(0, first::ready, metricsA);
        HealthServer healthB = HealthServer.start(0, second::ready, metricsB)) {
      first.start();
      await().atMost(TIMEOUT).until(() -> "operator-a".equals(holder(system)));
      second.start();

      // Both replicas are ready (a rollout completes); only the metric tells the leader apart.
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                assertThat(get(healthA, "/readyz").statusCode()).isEqualTo(200);
                assertThat(get(healthB, "/readyz").statusCode()).isEqualTo(200);
                assertThat(get(healthA, "/metrics").body())
                    .contains("yatagarasu_operator_leader 1.0");
                assertThat(get(healthB, "/metrics").body())
                    .contains("yatagarasu_operator_leader 0.0");
              });
      harness.create(credentials(ns, "keys", "secret-1", true));
      harness.create(fleet(ns, "edge", 1));
      harness.create(bucket(ns, "assets", "edge", "/assets", "keys"));
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  harness.configSecret(ns, "edge") != null
                      && harness.renderedDocument(ns, "edge").contains("/assets"));
      long before = harness.storedGeneration(ns, "edge");

      // The leader dies without giving the Lease up: the standby takes it once it expires.
      first.close();
      firstClosed = true;
      await()
          .atMost(LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE.plus(TIMEOUT))
          .until(() -> "operator-b".equals(holder(system)) && second.leader());
      assertThat(get(healthB, "/metrics").body()).contains("yatagarasu_operator_leader 1.0");
      assertThat(get(healthB, "/readyz").statusCode()).isEqualTo(200);

      // The new leader programs the fleet: a new bucket reaches the fleet's snapshot.
      harness.create(bucket(ns, "photos", "edge", "/photos", "keys"));
      await().atMost(TIMEOUT).until(() -> harness.renderedDocument(ns, "edge").contains("/photos"));
      assertThat(harness.storedGeneration(ns, "edge")).isGreaterThan(before);
    } finally {
      if (!firstClosed) {
        first.close();
      }
    }
  }

  private static HttpResponse<String> get(HealthServer health, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String holder(String namespace) {
    Lease lease = client.leases().inNamespace(namespace).withName("yatagarasu-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
