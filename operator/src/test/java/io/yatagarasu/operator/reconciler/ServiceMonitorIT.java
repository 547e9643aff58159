package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.Monitoring;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.dependent.ServiceMonitors;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ServiceMonitorIT {
  static KubernetesClient client;
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
  void enabledWithoutThePrometheusOperatorIsDegradedThenAppliedOnceTheCrdExists() {
    String ns = harness.newNamespace();
    S3ProxyConfig fleet = fleet(ns, "edge", 1);
    Monitoring monitoring = new Monitoring();
    Monitoring.ServiceMonitorSettings settings = new Monitoring.ServiceMonitorSettings();
    settings.setEnabled(true);
    settings.setLabels(Map.of("release", "prometheus"));
    monitoring.setServiceMonitor(settings);
    fleet.getSpec().setMonitoring(monitoring);
    harness.create(fleet);

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness
                    .fleetVerdict(ns, "edge", "Degraded")
                    .equals("True ServiceMonitorUnavailable"));
    assertThat(harness.fleetCondition(ns, "edge", "Degraded").getMessage())
        .contains("servicemonitors.monitoring.coreos.com is not installed");

    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(ServiceMonitors.CRD)
                .endMetadata()
                .withNewSpec()
                .withGroup("monitoring.coreos.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("ServiceMonitor")
                .withPlural("servicemonitors")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build())
        .create();
    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getMonitoring().getServiceMonitor().setInterval("15s");
          return f;
        });

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(ServiceMonitor.class).inNamespace(ns).withName("edge").get()
                    != null);
    ServiceMonitor monitor =
        client.resources(ServiceMonitor.class).inNamespace(ns).withName("edge").get();
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(monitor.getSpec().getEndpoints().get(0).getPort()).isEqualTo("admin");
    assertThat(monitor.getSpec().getEndpoints().get(0).getInterval()).isEqualTo("15s");
    assertThat(monitor.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("edge");
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleetVerdict(ns, "edge", "Degraded").equals("False AsExpected"));

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getMonitoring().getServiceMonitor().setEnabled(false);
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(ServiceMonitor.class).inNamespace(ns).withName("edge").get()
                    == null);
  }
}
