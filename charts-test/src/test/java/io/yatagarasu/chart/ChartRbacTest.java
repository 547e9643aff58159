package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.ServiceAccountSettings;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.runtime.OperatorSettings;
import io.yatagarasu.operator.runtime.YatagarasuOperator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's RBAC covers every call the operator makes. The real operator runs against the mock
 * API server through a dispatcher that records each request it sends (told apart from the test's
 * own by the User-Agent), through a fleet's whole life: owned objects created, a Secret read, the
 * ServiceMonitor and PDB created and deleted, a deleted Service recreated, status patched, the
 * Lease taken. Each recorded call must be allowed by the rules the chart binds to its
 * ServiceAccount, in that mode. A second fleet's HorizontalPodAutoscaler is created and deleted.
 */
class ChartRbacTest {
  private static final String OPERATOR_AGENT = "yatagarasu-operator-under-test";
  private static final String NS = ChartRenderer.NAMESPACE;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static final String RULES_REVIEWS =
      "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private static final String LEASE_RULES =
      new KubernetesSerialization()
          .asJson(
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
                  .build());

  @TempDir Path work;

  @ParameterizedTest(name = "scope {0}")
  @ValueSource(strings = {"cluster", "namespaced"})
  void rbacAllowsEveryCallTheOperatorMakes(String scope) throws Exception {
    List<HasMetadata> rendered = ChartRenderer.render("scope: " + scope + "\n", work);
    Set<ApiCall> calls = recordOperatorCalls(scope.equals("namespaced") ? Set.of(NS) : Set.of());

    assertThat(calls)
        .extracting(ApiCall::verb)
        .as("the scenario exercised watches, creates, updates, patches and deletes")
        .contains("watch", "list", "get", "create", "update", "patch", "delete");
    assertThat(calls)
        .filteredOn(call -> call.resource().equals("horizontalpodautoscalers"))
        .extracting(ApiCall::verb)
        .as("the autoscaler was watched, created and deleted")
        .contains("watch", "create", "delete");
    Set<String> denied = new TreeSet<>();
    for (ApiCall call : calls) {
      if (!allowed(rendered, call)) {
        denied.add(call.toString());
      }
    }
    assertThat(denied).as("calls the chart's RBAC does not allow (scope " + scope + ")").isEmpty();
  }

  private static Set<ApiCall> recordOperatorCalls(Set<String> watchNamespaces) throws Exception {
    ConcurrentLinkedQueue<ApiCall> calls = new ConcurrentLinkedQueue<>();
    KubernetesCrudDispatcher dispatcher =
        new KubernetesCrudDispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.contains(OPERATOR_AGENT)) {
              ApiCall.of(request.getMethod(), request.getPath()).ifPresent(calls::add);
            }
            if (request.getPath().startsWith(RULES_REVIEWS)) {
              // java-operator-sdk asks whether it may use Leases; the CRUD mock cannot answer.
              return new MockResponse().setResponseCode(201).setBody(LEASE_RULES);
            }
            return super.dispatch(request);
          }
        };
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    try (KubernetesClient client = server.createClient();
        KubernetesClient operatorClient =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(client.getConfiguration())
                        .withUserAgent(OPERATOR_AGENT)
                        .build())
                .build()) {
      setUp(client);
      YatagarasuOperator operator =
          YatagarasuOperator.create(
              operatorClient,
              new OperatorSettings(
                  watchNamespaces,
                  "example.org/yatagarasu-proxy:test",
                  NS,
                  "yatagarasu-operator",
                  "operator-0",
                  false,
                  0,
                  Duration.ZERO),
              new OperatorMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
              Clock.systemUTC());
      try {
        operator.start();
        exercise(client);
      } finally {
        operator.close();
      }
    } finally {
      server.destroy();
    }
    return Set.copyOf(calls);
  }

  private static void setUp(KubernetesClient client) throws Exception {
    try (Stream<Path> files = Files.list(RepoPaths.CRDS)) {
      for (Path file : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          client.load(in).create();
        }
      }
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("servicemonitors.monitoring.coreos.com")
                .endMetadata()
                .withNewSpec()
                .withGroup("monitoring.coreos.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("ServiceMonitor")
                .withPlural("servicemonitors")
                .endNames()
                .endSpec()
                .build())
        .create();
    apply(
        client,
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: creds, namespace: %1$s, labels: {yatagarasu.io/credentials: "true"}}
        stringData: {AWS_ACCESS_KEY_ID: AKIAEXAMPLE, AWS_SECRET_ACCESS_KEY: example-secret}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: unlabelled, namespace: %1$s}
        stringData: {AWS_ACCESS_KEY_ID: AKIAEXAMPLE, AWS_SECRET_ACCESS_KEY: example-secret}
        ---
        apiVersion: yatagarasu.io/v1alpha1
        kind: S3ProxyConfig
        metadata: {name: edge, namespace: %1$s}
        spec:
          replicas: 2
          monitoring: {serviceMonitor: {enabled: true}}
        ---
        apiVersion: yatagarasu.io/v1alpha1
        kind: S3ProxyConfig
        metadata: {name: scaled, namespace: %1$s}
        spec:
          resources: {requests: {cpu: 250m}}
          autoscaling: {minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70}
        ---
        apiVersion: yatagarasu.io/v1alpha1
        kind: S3ProxyBucket
        metadata: {name: labelled, namespace: %1$s}
        spec:
          proxyRef: {name: edge}
          pathPrefix: /a
          s3: {bucket: bucket-a, region: us-east-1}
          credentials: {secretRef: {name: creds}}
          auth: {type: public}
        ---
        apiVersion: yatagarasu.io/v1alpha1
        kind: S3ProxyBucket
        metadata: {name: unlabelled, namespace: %1$s}
        spec:
          proxyRef: {name: edge}
          pathPrefix: /b
          s3: {bucket: bucket-b, region: us-east-1}
          credentials: {secretRef: {name: unlabelled}}
          auth: {type: public}
        """
            .formatted(NS));
  }

  /** Drives the fleet through creates, status writes, deletes and a recreate. */
  private static void exercise(KubernetesClient client) {
    var fleets = client.resources(S3ProxyConfig.class).inNamespace(NS);
    var buckets = client.resources(S3ProxyBucket.class).inNamespace(NS);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(Deployment.class).inNamespace(NS).withName("edge").get() != null
                    && client
                            .resources(PodDisruptionBudget.class)
                            .inNamespace(NS)
                            .withName("edge")
                            .get()
                        != null
                    && client.resources(ServiceMonitor.class).inNamespace(NS).withName("edge").get()
                        != null
                    && client.serviceAccounts().inNamespace(NS).withName("edge-proxy").get() != null
                    && autoscaler(client) != null
                    && buckets.list().getItems().stream().allMatch(b -> b.getStatus() != null)
                    && fleets.withName("edge").get().getStatus() != null);

    fleets
        .withName("edge")
        .edit(
            fleet -> {
              fleet.getSpec().setReplicas(1);
              fleet.getSpec().getMonitoring().getServiceMonitor().setEnabled(false);
              ServiceAccountSettings existing = new ServiceAccountSettings();
              existing.setName("storage-reader");
              fleet.getSpec().setServiceAccount(existing);
              return fleet;
            });
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.resources(PodDisruptionBudget.class).inNamespace(NS).withName("edge").get()
                        == null
                    && client.resources(ServiceMonitor.class).inNamespace(NS).withName("edge").get()
                        == null
                    && client.serviceAccounts().inNamespace(NS).withName("edge-proxy").get()
                        == null);

    fleets
        .withName("scaled")
        .edit(
            fleet -> {
              fleet.getSpec().setAutoscaling(null);
              return fleet;
            });
    await().atMost(TIMEOUT).until(() -> autoscaler(client) == null);

    client.services().inNamespace(NS).withName("edge").delete();
    await()
        .atMost(TIMEOUT)
        .until(() -> client.services().inNamespace(NS).withName("edge").get() != null);
  }

  private static HorizontalPodAutoscaler autoscaler(KubernetesClient client) {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName("scaled")
        .get();
  }

  private static void apply(KubernetesClient client, String yaml) {
    client
        .load(
            new java.io.ByteArrayInputStream(
                yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .items()
        .forEach(item -> client.resource(item).create());
  }

  /** Whether the rules the chart binds to its ServiceAccount allow the call. */
  private static boolean allowed(List<HasMetadata> rendered, ApiCall call) {
    List<PolicyRule> rules = new ArrayList<>();
    for (ClusterRoleBinding binding : ChartTest.all(rendered, ClusterRoleBinding.class)) {
      ChartTest.all(rendered, ClusterRole.class).stream()
          .filter(role -> role.getMetadata().getName().equals(binding.getRoleRef().getName()))
          .forEach(role -> rules.addAll(role.getRules()));
    }
    if (call.namespace() != null) {
      for (RoleBinding binding : ChartTest.all(rendered, RoleBinding.class)) {
        if (!binding.getMetadata().getNamespace().equals(call.namespace())) {
          continue;
        }
        ChartTest.all(rendered, Role.class).stream()
            .filter(role -> role.getMetadata().getNamespace().equals(call.namespace()))
            .filter(role -> role.getMetadata().getName().equals(binding.getRoleRef().getName()))
            .forEach(role -> rules.addAll(role.getRules()));
      }
    }
    return rules.stream().anyMatch(rule -> matches(rule, call));
  }

  private static boolean matches(PolicyRule rule, ApiCall call) {
    boolean names =
        rule.getResourceNames() == null
            || rule.getResourceNames().isEmpty()
            || (call.name() != null && rule.getResourceNames().contains(call.name()));
    return anyOf(rule.getApiGroups(), call.group())
        && anyOf(rule.getResources(), call.resource())
        && anyOf(rule.getVerbs(), call.verb())
        && names;
  }

  private static boolean anyOf(List<String> allowed, String value) {
    return allowed != null && (allowed.contains(value) || allowed.contains("*"));
  }
}
