package io.yatagarasu.operator;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Applies every file under examples/k8s to the mock API server, as {@code kubectl apply -f
 * examples/k8s/} would, and checks that each fleet gets its owned objects and a snapshot and that
 * every bucket is accepted with resolved references.
 */
@EnableKubernetesMockClient(crud = true)
class ExamplesIT {
  static final Path EXAMPLES =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).resolve("examples/k8s");
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
  void everyExampleAppliesAndEveryObjectGetsTruthfulStatus() throws Exception {
    List<HasMetadata> applied = new ArrayList<>();
    try (var files = Files.list(EXAMPLES)) {
      List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yamls).hasSizeGreaterThanOrEqualTo(7);
      for (Path file : yamls) {
        try (InputStream in = Files.newInputStream(file)) {
          List<HasMetadata> items = client.load(in).items();
          assertThat(items).as(file.toString()).isNotEmpty();
          for (HasMetadata item : items) {
            if (item instanceof Namespace) {
              client.resource(item).createOr(existing -> existing.update());
            }
          }
          for (HasMetadata item : items) {
            if (item.getMetadata().getNamespace() != null
                && client.namespaces().withName(item.getMetadata().getNamespace()).get() == null) {
              client
                  .namespaces()
                  .resource(
                      new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                          .withNewMetadata()
                          .withName(item.getMetadata().getNamespace())
                          .endMetadata()
                          .build())
                  .create();
            }
            if (!(item instanceof Namespace)) {
              applied.add(client.resource(item).create());
            }
          }
        }
      }
    }

    List<HasMetadata> fleets =
        applied.stream().filter(o -> "S3ProxyConfig".equals(o.getKind())).toList();
    List<HasMetadata> buckets =
        applied.stream().filter(o -> "S3ProxyBucket".equals(o.getKind())).toList();
    assertThat(fleets).hasSize(4);
    assertThat(buckets).hasSize(5);
    for (HasMetadata bucket : buckets) {
      String ns = bucket.getMetadata().getNamespace();
      String name = bucket.getMetadata().getName();
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                assertThat(harness.bucketVerdict(ns, name, "Accepted"))
                    .as(ns + "/" + name)
                    .isEqualTo("True Accepted");
                assertThat(harness.bucketVerdict(ns, name, "ResolvedRefs"))
                    .isEqualTo("True ResolvedRefs");
                assertThat(harness.bucketVerdict(ns, name, "Programmed"))
                    .isEqualTo("Unknown NotPushed");
              });
    }
    for (HasMetadata fleet : fleets) {
      String ns = fleet.getMetadata().getNamespace();
      String name = fleet.getMetadata().getName();
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                assertThat(harness.configSecret(ns, name)).as(ns + "/" + name).isNotNull();
                assertThat(client.apps().deployments().inNamespace(ns).withName(name).get())
                    .isNotNull();
                assertThat(client.services().inNamespace(ns).withName(name).get()).isNotNull();
                assertThat(harness.fleetVerdict(ns, name, "Programmed"))
                    .isEqualTo("Unknown NotPushed");
                assertThat(harness.fleetVerdict(ns, name, "Ready")).isEqualTo("False PodsNotReady");
              });
    }
    assertThat(harness.renderedDocument("default", "edge"))
        .contains("/assets", "/reports", "example-secret-not-a-real-one");
    assertThat(harness.renderedDocument("default", "hardened"))
        .contains(
            "\"certificateFile\": \"/etc/yatagarasu/tls/tls.crt\"",
            "\"perClientIp\"",
            "\"allowedOrigins\"",
            "example-media-us");
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("hardened")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getVolumes())
        .anyMatch(
            v ->
                v.getSecret() != null
                    && "hardened-proxy-tls".equals(v.getSecret().getSecretName()));
    // The example's Secret holds placeholders, not a certificate: named on status, never mounted.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness
                    .fleetVerdict("default", "hardened", "Degraded")
                    .equals("True TlsSecretInvalid"));
    assertThat(harness.fleetCondition("default", "hardened", "Degraded").getMessage())
        .contains("TLS Secret hardened-tls: tls.crt is not a PEM certificate chain");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              var hpa =
                  client
                      .autoscaling()
                      .v2()
                      .horizontalPodAutoscalers()
                      .inNamespace("default")
                      .withName("hardened")
                      .get();
              assertThat(hpa).as("the hardened fleet's autoscaler").isNotNull();
              assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
              assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(12);
              assertThat(
                      client
                          .apps()
                          .deployments()
                          .inNamespace("default")
                          .withName("hardened")
                          .get()
                          .getSpec()
                          .getReplicas())
                  .isEqualTo(3);
            });
    assertThat(harness.renderedDocument("platform", "shared-edge"))
        .contains("\"name\": \"team-a-invoices\"");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness
                    .fleetVerdict("default", "monitored", "Degraded")
                    .equals("True ServiceMonitorUnavailable"));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> harness.fleetVerdict("default", "edge", "Degraded").equals("False AsExpected"));
  }
}
