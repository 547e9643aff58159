package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.crd.AutoscalingSettings;
import io.yatagarasu.proxy.ProxyServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An autoscaled fleet with real proxy pods: the operator's HorizontalPodAutoscaler decides the
 * replicas, the operator's later reconciles leave them alone, and pods the "kubelet" adds while the
 * configuration keeps changing all end up serving the current snapshot.
 */
@EnableKubernetesMockClient(crud = true)
class ScaleOutIT {
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos");

  private Kubelet kubelet;

  /** An autoscaled fleet (2 to {@code max} pods) serving /photos, with its objects in place. */
  private String autoscaledFleet(int max) {
    String ns = pods.harness().newNamespace();
    kubelet =
        pods.photosFleet(
            ns,
            2,
            fleet -> {
              fleet.getSpec().setReplicas(null);
              AutoscalingSettings autoscaling = new AutoscalingSettings();
              autoscaling.setMinReplicas(2);
              autoscaling.setMaxReplicas(max);
              autoscaling.setTargetCPUUtilizationPercentage(70);
              fleet.getSpec().setAutoscaling(autoscaling);
              return fleet;
            },
            b -> b);
    await().atMost(TIMEOUT).until(() -> autoscaler(ns) != null);
    return ns;
  }

  private Deployment deployment(String ns) {
    return client.apps().deployments().inNamespace(ns).withName("edge").get();
  }

  private HorizontalPodAutoscaler autoscaler(String ns) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(ns)
        .withName("edge")
        .get();
  }

  /** What the autoscaler does: set the Deployment's replicas. */
  private void autoscalerScalesTo(String ns, int replicas) {
    pods.harness()
        .edit(
            Deployment.class,
            ns,
            "edge",
            d -> {
              d.getSpec().setReplicas(replicas);
              return d;
            });
  }

  /** A bucket serving the photos S3 bucket under {@code prefix}: a new snapshot. */
  private void addRoute(String ns, String name, String prefix) {
    pods.harness()
        .create(Fleets.bucket(ns, name, "edge", prefix, "store-creds", "photos", pods.store()));
  }

  private String programmedMessage(String ns) {
    var condition = pods.harness().fleetCondition(ns, "edge", "Programmed");
    return condition == null ? "" : condition.getMessage();
  }

  @Test
  void theAutoscalersReplicasSurviveTheReconcilesOfAConfigurationChange() throws Exception {
    String ns = autoscaledFleet(5);
    assertThat(deployment(ns).getSpec().getReplicas()).isEqualTo(2);
    assertThat(autoscaler(ns).getSpec().getScaleTargetRef().getName()).isEqualTo("edge");
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    await().atMost(TIMEOUT).until(() -> programmedMessage(ns).startsWith("2/2 ready pods"));

    autoscalerScalesTo(ns, 3);
    kubelet.start("edge-c", "127.0.0.4");
    addRoute(ns, "videos", "/videos");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              long generation = pods.harness().storedGeneration(ns, "edge");
              return pods.harness().renderedDocument(ns, "edge").contains("/videos")
                  && programmedMessage(ns)
                      .startsWith("3/3 ready pods at generation " + generation + " ");
            });
    for (String pod : List.of("edge-a", "edge-b", "edge-c")) {
      assertThat(Fleets.status(kubelet.base(pod) + "/videos/hello.txt")).as(pod).isEqualTo(200);
    }
    assertThat(deployment(ns).getSpec().getReplicas())
        .as("the operator reconciled the change and left the autoscaler's replicas alone")
        .isEqualTo(3);
  }

  @Test
  void podsAddedWhileTheConfigurationChangesAllServeTheCurrentSnapshot() throws Exception {
    String ns = autoscaledFleet(6);
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    List<String> names = new ArrayList<>(List.of("edge-a", "edge-b"));
    // Each step changes the configuration and, without waiting for it to land, the autoscaler adds
    // a pod that boots from whatever the config Secret holds at that moment.
    for (int i = 1; i <= 4; i++) {
      addRoute(ns, "route-" + i, "/route-" + i);
      autoscalerScalesTo(ns, 2 + i);
      String pod = "edge-new-" + i;
      kubelet.start(pod, "127.0.0." + (3 + i));
      names.add(pod);
    }

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              long generation = pods.harness().storedGeneration(ns, "edge");
              assertThat(pods.harness().renderedDocument(ns, "edge")).contains("/route-4");
              for (String pod : names) {
                ProxyServer proxy = kubelet.proxy(pod);
                assertThat(proxy.snapshot().generation()).as(pod).isEqualTo(generation);
              }
              assertThat(programmedMessage(ns))
                  .startsWith("6/6 ready pods at generation " + generation + " ");
            });
    for (String pod : names) {
      for (int i = 1; i <= 4; i++) {
        assertThat(Fleets.status(kubelet.base(pod) + "/route-" + i + "/hello.txt"))
            .as(pod + " /route-" + i)
            .isEqualTo(200);
      }
    }
    assertThat(deployment(ns).getSpec().getReplicas()).isEqualTo(6);
  }
}
