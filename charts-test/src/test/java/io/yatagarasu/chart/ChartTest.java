package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart lints strictly and renders valid manifests for every documented combination. */
class ChartTest {
  @TempDir Path work;

  /** The combinations values.yaml and docs/getting-started.md describe. */
  static List<Arguments> combinations() {
    return List.of(
        Arguments.of("defaults", ""),
        Arguments.of("namespaced", "scope: namespaced\n"),
        Arguments.of(
            "namespaced with namespaces", "scope: namespaced\nwatchNamespaces: [team-a, team-b]\n"),
        Arguments.of(
            "service monitor",
            "metrics:\n  serviceMonitor:\n    enabled: true\n    labels:\n      release: prometheus\n"),
        Arguments.of(
            "network policy",
            """
            networkPolicy:
              enabled: true
              namespaces: [default, team-a]
              metricsFrom:
                - namespaceSelector:
                    matchLabels:
                      kubernetes.io/metadata.name: monitoring
            """),
        Arguments.of(
            "first proxy",
            """
            proxy:
              create: true
              name: edge
              spec:
                replicas: 3
                server:
                  port: 8080
                  adminPort: 9090
                monitoring:
                  serviceMonitor:
                    enabled: true
            """),
        Arguments.of("without CRDs", "crds:\n  install: false\n"),
        Arguments.of("CRDs not kept", "crds:\n  keep: false\n"),
        Arguments.of("one replica", "replicaCount: 1\nleaderElection:\n  enabled: false\n"),
        Arguments.of(
            "everything",
            """
            scope: namespaced
            metrics: {serviceMonitor: {enabled: true}}
            networkPolicy: {enabled: true}
            proxy: {create: true}
            image: {digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
            javaOptions: -XX:+UseSerialGC
            extraEnv: [{name: JAVA_DEBUG, value: "false"}]
            imagePullSecrets: [{name: registry}]
            nodeSelector: {kubernetes.io/os: linux}
            tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]
            priorityClassName: system-cluster-critical
            podAnnotations: {example.com/team: storage}
            dashboards: {enabled: true, annotations: {grafana_folder: Storage}}
            logFormat: text
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combinations")
  void lintsStrictly(String name, String overlay) {
    LintResult result = ChartRenderer.lint(overlay, work);
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages())
        .filteredOn(m -> m.contains("[WARNING]") || m.contains("[ERROR]"))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combinations")
  void rendersOnlyKnownKindsAndFields(String name, String overlay) {
    List<HasMetadata> objects = ChartRenderer.render(overlay, work);
    assertThat(objects).isNotEmpty();
    for (HasMetadata object : objects) {
      assertThat(object.getMetadata().getName()).as(object.getKind()).isNotBlank();
      assertThat(object.getMetadata().getLabels())
          .as(object.getKind() + " labels")
          .containsEntry("app.kubernetes.io/instance", ChartRenderer.RELEASE)
          .containsEntry("app.kubernetes.io/part-of", "yatagarasu");
    }
  }

  @Test
  void defaultsRunTwoLeaderElectedNonRootReplicasWithProbes() {
    List<HasMetadata> objects = ChartRenderer.render("", work);
    Deployment deployment = one(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    // Standbys are ready, so a rolling update completes without ever leaving no operator running.
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(container.getImage()).isEqualTo("ghcr.io/yatagarasu/yatagarasu-operator:0.1.0");
    Map<String, EnvVar> env = env(container);
    assertThat(env.get("YATAGARASU_WATCH_NAMESPACES").getValue()).isEmpty();
    assertThat(env.get("YATAGARASU_PROXY_IMAGE").getValue())
        .isEqualTo("ghcr.io/yatagarasu/yatagarasu-proxy:0.1.0");
    assertThat(env.get("YATAGARASU_HTTP_PORT").getValue()).isEqualTo("8081");
    assertThat(env.get("YATAGARASU_LEASE_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env.get("YATAGARASU_LEASE_NAME").getValue()).isEqualTo("yatagarasu-operator");
    assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(pod.getServiceAccountName())
        .isEqualTo(one(objects, ServiceAccount.class).getMetadata().getName());
    Service metrics = one(objects, Service.class);
    assertThat(metrics.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(metrics.getSpec().getPorts().get(0).getName()).isEqualTo("http-metrics");
    assertThat(all(objects, ServiceMonitor.class)).isEmpty();
    assertThat(all(objects, NetworkPolicy.class)).isEmpty();
    assertThat(all(objects, S3ProxyConfig.class)).isEmpty();
    assertThat(all(objects, CustomResourceDefinition.class)).hasSize(2);
  }

  @Test
  void clusterModeUsesAClusterRoleAndNamespacedModeARolePerWatchedNamespace() {
    List<HasMetadata> cluster = ChartRenderer.render("", work);
    assertThat(resourcesOf(one(cluster, ClusterRole.class))).contains("deployments", "secrets");
    assertThat(all(cluster, Role.class))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("yatagarasu-leader-election");

    List<HasMetadata> namespaced =
        ChartRenderer.render("scope: namespaced\nwatchNamespaces: [team-a, team-b]\n", work);
    assertThat(resourcesOf(one(namespaced, ClusterRole.class)))
        .containsExactlyInAnyOrder(
            "namespaces", "customresourcedefinitions", "selfsubjectrulesreviews");
    assertThat(all(namespaced, Role.class))
        .filteredOn(r -> r.getMetadata().getName().equals("yatagarasu"))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(all(namespaced, RoleBinding.class)).hasSize(3);
    assertThat(
            env(one(namespaced, Deployment.class)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0))
                .get("YATAGARASU_WATCH_NAMESPACES")
                .getValue())
        .isEqualTo("team-a,team-b");

    List<HasMetadata> releaseOnly = ChartRenderer.render("scope: namespaced\n", work);
    assertThat(
            env(one(releaseOnly, Deployment.class)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0))
                .get("YATAGARASU_WATCH_NAMESPACES")
                .getValue())
        .isEqualTo(ChartRenderer.NAMESPACE);
  }

  @Test
  void serviceMonitorScrapesTheMetricsService() {
    List<HasMetadata> objects =
        ChartRenderer.render(
            "metrics:\n  serviceMonitor:\n    enabled: true\n    labels: {release: prometheus}\n",
            work);
    ServiceMonitor monitor = one(objects, ServiceMonitor.class);
    Service service = one(objects, Service.class);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(monitor.getSpec().getSelector().getMatchLabels())
        .isEqualTo(service.getSpec().getSelector());
    assertThat(monitor.getSpec().getEndpoints().get(0).getPort()).isEqualTo("http-metrics");
    assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/metrics");
  }

  @Test
  void networkPolicyAdmitsTheAdminPortOnlyFromTheOperatorAndListedScrapers() {
    List<HasMetadata> objects =
        ChartRenderer.render(
            """
            networkPolicy:
              enabled: true
              namespaces: [default, team-a]
              metricsFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
            """,
            work);
    List<NetworkPolicy> policies = all(objects, NetworkPolicy.class);
    assertThat(policies)
        .extracting(p -> p.getMetadata().getNamespace())
        .containsExactly("default", "team-a");
    Deployment operator = one(objects, Deployment.class);
    for (NetworkPolicy policy : policies) {
      assertThat(policy.getSpec().getPodSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/name", "yatagarasu-proxy")
          .containsEntry("app.kubernetes.io/managed-by", "yatagarasu-operator");
      var data = policy.getSpec().getIngress().get(0);
      assertThat(data.getFrom()).isEmpty();
      assertThat(data.getPorts().get(0).getPort().getIntVal()).isEqualTo(8080);
      var admin = policy.getSpec().getIngress().get(1);
      assertThat(admin.getPorts().get(0).getPort().getIntVal()).isEqualTo(9090);
      assertThat(admin.getFrom()).hasSize(2);
      assertThat(admin.getFrom().get(0).getPodSelector().getMatchLabels())
          .isEqualTo(operator.getSpec().getSelector().getMatchLabels());
      assertThat(admin.getFrom().get(0).getNamespaceSelector().getMatchLabels())
          .containsEntry("kubernetes.io/metadata.name", ChartRenderer.NAMESPACE);
    }
  }

  @Test
  void firstProxyIsAPostInstallHookWithTheGivenSpec() {
    List<HasMetadata> objects =
        ChartRenderer.render("proxy:\n  create: true\n  name: edge\n  spec: {replicas: 3}\n", work);
    S3ProxyConfig fleet = one(objects, S3ProxyConfig.class);
    assertThat(fleet.getMetadata().getName()).isEqualTo("edge");
    assertThat(fleet.getMetadata().getNamespace()).isEqualTo(ChartRenderer.NAMESPACE);
    assertThat(RepoPaths.read(RepoPaths.CHART.resolve("templates/proxy.yaml")))
        .contains("helm.sh/hook: post-install");
    assertThat(fleet.getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void logFormatReachesTheOperatorAndTheFirstFleetUnlessItsSpecSaysOtherwise() {
    List<HasMetadata> objects = ChartRenderer.render("proxy: {create: true}\n", work);
    assertThat(operatorEnv(objects).get("YATAGARASU_LOG_FORMAT").getValue()).isEqualTo("json");
    assertThat(one(objects, S3ProxyConfig.class).getSpec().getLogging().getFormat().name())
        .isEqualTo("JSON");

    objects = ChartRenderer.render("logFormat: text\nproxy: {create: true}\n", work);
    assertThat(operatorEnv(objects).get("YATAGARASU_LOG_FORMAT").getValue()).isEqualTo("text");
    assertThat(one(objects, S3ProxyConfig.class).getSpec().getLogging().getFormat().name())
        .isEqualTo("TEXT");

    objects =
        ChartRenderer.render(
            "logFormat: text\nproxy:\n  create: true\n  spec: {logging: {format: json, accessLog:"
                + " false}}\n",
            work);
    var logging = one(objects, S3ProxyConfig.class).getSpec().getLogging();
    assertThat(logging.getFormat().name()).isEqualTo("JSON");
    assertThat(logging.getAccessLog()).isFalse();
    assertThatThrownBy(() -> ChartRenderer.template("logFormat: yaml\n", work))
        .hasMessageContaining("logFormat");
  }

  @Test
  void dashboardConfigMapCarriesTheSidecarLabelAndTheDashboard() throws Exception {
    assertThat(all(ChartRenderer.render("", work), ConfigMap.class)).isEmpty();
    List<HasMetadata> objects =
        ChartRenderer.render(
            "dashboards: {enabled: true, namespace: monitoring, annotations: {grafana_folder:"
                + " Storage}}\n",
            work);
    ConfigMap dashboards = one(objects, ConfigMap.class);
    assertThat(dashboards.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(dashboards.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboards.getMetadata().getAnnotations())
        .containsEntry("grafana_folder", "Storage");
    String json = dashboards.getData().get("yatagarasu.json");
    assertThat(json)
        .isEqualTo(
            RepoPaths.read(RepoPaths.CHART.resolve("dashboards/yatagarasu.json")).stripTrailing());
    var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(dashboard.get("uid").asText()).isEqualTo("yatagarasu-fleet");
    assertThat(dashboard.get("panels").size()).isGreaterThan(20);
  }

  @Test
  void crdsFollowInstallAndKeep() {
    assertThat(
            all(
                ChartRenderer.render("crds: {install: false}\n", work),
                CustomResourceDefinition.class))
        .isEmpty();
    assertThat(all(ChartRenderer.render("", work), CustomResourceDefinition.class))
        .allSatisfy(
            crd ->
                assertThat(crd.getMetadata().getAnnotations())
                    .containsEntry("helm.sh/resource-policy", "keep"));
    assertThat(
            all(
                ChartRenderer.render("crds: {keep: false}\n", work),
                CustomResourceDefinition.class))
        .hasSize(2)
        .allSatisfy(crd -> assertThat(crd.getMetadata().getAnnotations()).isNullOrEmpty());
  }

  @Test
  void refusesSeveralReplicasWithoutLeaderElection() {
    assertThatThrownBy(() -> ChartRenderer.template("leaderElection: {enabled: false}\n", work))
        .hasMessageContaining("needs leaderElection.enabled");
  }

  @Test
  void schemaRejectsUnknownAndMistypedValues() {
    assertThatThrownBy(() -> ChartRenderer.template("replicas: 2\n", work))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> ChartRenderer.template("scope: everywhere\n", work))
        .hasMessageContaining("scope");
    assertThatThrownBy(
            () ->
                ChartRenderer.template("metrics: {serviceMonitor: {enabled: yes-please}}\n", work))
        .hasMessageContaining("enabled");
  }

  static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = all(objects, type);
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  @Test
  void defaultImageTagsFollowTheChartsAppVersion() {
    Container released =
        one(ChartRenderer.renderWithAppVersion("9.8.7", "", work), Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(released.getImage()).isEqualTo("ghcr.io/yatagarasu/yatagarasu-operator:9.8.7");
    assertThat(env(released).get("YATAGARASU_PROXY_IMAGE").getValue())
        .isEqualTo("ghcr.io/yatagarasu/yatagarasu-proxy:9.8.7");

    Container pinned =
        one(
                ChartRenderer.renderWithAppVersion(
                    "9.8.7", "image: {tag: \"1.2.3\"}\nproxyImage: {tag: \"1.2.4\"}\n", work),
                Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(pinned.getImage()).isEqualTo("ghcr.io/yatagarasu/yatagarasu-operator:1.2.3");
    assertThat(env(pinned).get("YATAGARASU_PROXY_IMAGE").getValue())
        .isEqualTo("ghcr.io/yatagarasu/yatagarasu-proxy:1.2.4");
  }

  @Test
  void chartVersionAndAppVersionMatchTheMavenVersion() throws Exception {
    String chart = java.nio.file.Files.readString(RepoPaths.CHART.resolve("Chart.yaml"));
    String pom = java.nio.file.Files.readString(RepoPaths.ROOT.resolve("pom.xml"));
    java.util.regex.Matcher version =
        java.util.regex.Pattern.compile("<version>([0-9]+\\.[0-9]+\\.[0-9]+)(-SNAPSHOT)?</version>")
            .matcher(pom);
    // X.Y.Z-SNAPSHOT on main, X.Y.Z once the release workflow has set it from the tag.
    assertThat(version.find()).as("the parent pom's version").isTrue();
    assertThat(chart)
        .contains("\nversion: " + version.group(1) + "\n")
        .contains("\nappVersion: \"" + version.group(1) + "\"\n");
  }

  private static Map<String, EnvVar> operatorEnv(List<HasMetadata> objects) {
    return env(
        one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0));
  }

  private static Map<String, EnvVar> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  private static List<String> resourcesOf(ClusterRole role) {
    return role.getRules().stream().flatMap(r -> r.getResources().stream()).toList();
  }
}
