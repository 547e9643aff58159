package io.yatagarasu.operator;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl apply} of the examples' custom resources against the mock API server, with the
 * operator running. Built-in kinds (Namespaces, Secrets) are created through the fabric8 client:
 * kubectl 1.32 sends them as protobuf, which the mock cannot read. Skipped when no kubectl is on
 * the PATH.
 */
class KubectlApplyIT {
  static MockApi api;
  static KubernetesClient client;
  static OperatorHarness harness;
  static Kubectl kubectl;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start(new DiscoveryCrudDispatcher());
    client = api.client();
    harness = api.harness();
    kubectl = Kubectl.find(client, dir);
    Assumptions.assumeTrue(kubectl != null, "kubectl is not on the PATH");
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void kubectlApplyOfTheExampleResourcesYieldsOwnedObjectsAndStatus() throws Exception {
    List<String> customResources = new ArrayList<>();
    try (var files = Files.list(ExamplesIT.EXAMPLES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata item : client.load(in).items()) {
            ensureNamespace(item.getMetadata().getNamespace());
            if (item.getKind().startsWith("S3Proxy")) {
              customResources.add(client.getKubernetesSerialization().asYaml(item));
            } else if (item.getKind().equals("Namespace")) {
              client.resource(item).createOr(existing -> existing.update());
            } else {
              client.resource(item).create();
            }
          }
        }
      }
    }

    String applied =
        kubectl(String.join("\n---\n", customResources), "apply", "--validate=false", "-f", "-");
    assertThat(applied).contains("s3proxyconfig.yatagarasu.io/edge created");
    assertThat(applied).contains("s3proxybucket.yatagarasu.io/reports created");

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubectl(
                        "",
                        "get",
                        "s3pb",
                        "reports",
                        "-n",
                        "default",
                        "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Accepted\")].status}")
                    .equals("True"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubectl(
                        "",
                        "get",
                        "s3proxyconfig",
                        "edge",
                        "-n",
                        "default",
                        "-o",
                        "jsonpath={.status.buckets.accepted}")
                    .equals("2"));
    assertThat(kubectl("", "get", "s3pc", "-A")).contains("edge", "monitored", "shared-edge");
    // The mock serves no Table, so kubectl cannot show the printer columns; their fields then.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                kubectl(
                        "",
                        "get",
                        "s3purge",
                        "assets-logo",
                        "-n",
                        "default",
                        "-o",
                        "jsonpath={.status.bucket} {.status.what} {.status.progress}"
                            + " {.status.conditions[?(@.type==\"Complete\")].status}")
                    .equals("public-assets 2 keys 0/0 True"));
    assertThat(client.apps().deployments().inNamespace("default").withName("edge").get())
        .isNotNull();
    assertThat(harness.renderedDocument("default", "edge")).contains("/reports", "/assets");

    // A second apply of a changed bucket is a JSON merge patch, which the mock understands.
    String changed =
        customResources.stream()
            .filter(y -> y.contains("name: \"public-assets\"") || y.contains("name: public-assets"))
            .findFirst()
            .orElseThrow()
            .replace("/assets", "/static");
    kubectl(changed, "apply", "--validate=false", "-f", "-");
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.renderedDocument("default", "edge").contains("/static"));
  }

  private static void ensureNamespace(String namespace) {
    if (namespace != null && client.namespaces().withName(namespace).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
  }

  private static String kubectl(String stdin, String... args)
      throws IOException, InterruptedException {
    return kubectl.run(stdin, args);
  }
}
