package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.CacheSettings;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator fits a fleet's cache into its pods' memory, or refuses it and keeps the pods. */
@EnableKubernetesMockClient(crud = true)
class CacheSizingIT {
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
  void aCacheTooLargeForTheMemoryLimitIsInvalidAndTheLastGoodDeploymentIsKept() {
    String ns = harness.newNamespace();
    S3ProxyConfig fleet = fleet(ns, "edge", 2);
    fleet
        .getSpec()
        .setResources(
            new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi")).build());
    CacheSettings cache = new CacheSettings();
    cache.setEnabled(true);
    cache.setMaxSize(new Quantity("512Mi"));
    fleet.getSpec().setCache(cache);
    harness.create(fleet);
    await()
        .atMost(TIMEOUT)
        .until(() -> "-XX:MaxDirectMemorySize=576m -Xmx352m".equals(jvmOptions(ns)));
    long storedGeneration = harness.storedGeneration(ns, "edge");

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().getCache().setMaxSize(new Quantity("2Gi"));
          f.getSpec().setReplicas(3);
          return f;
        });

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleetVerdict(ns, "edge", "Programmed").equals("False Invalid"));
    assertThat(harness.fleetCondition(ns, "edge", "Programmed").getMessage())
        .contains(
            "spec.cache.maxSize: 2048Mi of cache does not fit in the memory limit 1024Mi",
            "2336Mi in all",
            "lower maxSize to 736Mi or less");
    assertThat(harness.fleetVerdict(ns, "edge", "Degraded")).isEqualTo("True Invalid");
    Deployment kept = client.apps().deployments().inNamespace(ns).withName("edge").get();
    assertThat(jvmOptions(ns)).isEqualTo("-XX:MaxDirectMemorySize=576m -Xmx352m");
    assertThat(kept.getSpec().getReplicas())
        .as("nothing of the refused spec is applied")
        .isEqualTo(2);
    assertThat(harness.storedGeneration(ns, "edge")).isEqualTo(storedGeneration);

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec()
              .setResources(
                  new ResourceRequirementsBuilder()
                      .addToLimits("memory", new Quantity("3Gi"))
                      .build());
          return f;
        });
    await()
        .atMost(TIMEOUT)
        .until(() -> "-XX:MaxDirectMemorySize=2112m -Xmx864m".equals(jvmOptions(ns)));
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("edge")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(3);
  }

  private static String jvmOptions(String ns) {
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    if (deployment == null) {
      return null;
    }
    List<EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    return env == null
        ? null
        : env.stream()
            .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
            .map(EnvVar::getValue)
            .findFirst()
            .orElse(null);
  }
}
