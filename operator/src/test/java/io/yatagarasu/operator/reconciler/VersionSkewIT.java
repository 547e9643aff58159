package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Objects written for a newer operator: the mock API server, like a real one under version skew
 * (newer CRDs, older operator), hands the operator fields its Java types do not have. The operator
 * stays up, isolates those objects and recovers them when they are fixed, without a restart.
 */
@EnableKubernetesMockClient(crud = true)
class VersionSkewIT {
  private static final ResourceDefinitionContext BUCKETS = kind("S3ProxyBucket", "s3proxybuckets");
  private static final ResourceDefinitionContext FLEETS = kind("S3ProxyConfig", "s3proxyconfigs");

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
  void bucketsWithUnknownOrUnreadableFieldsAreIsolatedAndRecoverWithoutARestart() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "photos", "edge", "/photos", null));
    createRaw(
        BUCKETS, bucketJson(ns, "future", "/future", ", \"futureField\": {\"enabled\": true}"));
    createRaw(
        BUCKETS,
        bucketJson(
            ns, "guarded", "/guarded", ", \"auth\": {\"type\": \"public\", \"futureRule\": {}}"));
    createRaw(BUCKETS, bucketJson(ns, "typo", "/typo", ", \"ipAllow\": \"10.0.0.0/8\""));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.bucketVerdict(ns, "photos", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.bucketVerdict(ns, "photos", "VersionSkew"))
                  .isEqualTo("False AllFieldsKnown");
              assertThat(harness.bucketVerdict(ns, "future", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.bucketVerdict(ns, "future", "VersionSkew"))
                  .isEqualTo("True FieldsIgnored");
              assertThat(harness.bucketVerdict(ns, "guarded", "Accepted"))
                  .isEqualTo("False UnknownFields");
              assertThat(harness.bucketVerdict(ns, "guarded", "VersionSkew"))
                  .isEqualTo("True FieldsRefused");
              assertThat(harness.bucketVerdict(ns, "typo", "Accepted"))
                  .isEqualTo("False Unreadable");
              assertThat(harness.bucketVerdict(ns, "typo", "VersionSkew"))
                  .isEqualTo("True Unreadable");
              assertThat(harness.fleet(ns, "edge").getStatus().getBuckets().getAccepted())
                  .isEqualTo(2);
              assertThat(harness.fleet(ns, "edge").getStatus().getBuckets().getRejected())
                  .isEqualTo(2);
            });
    assertThat(message(harness.bucketCondition(ns, "future", "VersionSkew")))
        .contains("spec.futureField", "ignored", "upgrade the operator");
    assertThat(message(harness.bucketCondition(ns, "guarded", "Accepted")))
        .contains("spec.auth.futureRule (in spec.auth: ", "upgrade the operator");
    assertThat(message(harness.bucketCondition(ns, "typo", "Accepted")))
        .contains("spec.ipAllow: cannot read the string \"10.0.0.0/8\" as a list");
    assertThat(harness.renderedDocument(ns, "edge"))
        .contains("\"/photos\"", "\"/future\"")
        .doesNotContain("\"/guarded\"", "\"/typo\"");
    assertThat(harness.operatorReady()).isTrue();
    assertThat(skewGauge("S3ProxyBucket", "ignored")).isGreaterThanOrEqualTo(1);
    assertThat(skewGauge("S3ProxyBucket", "refused")).isGreaterThanOrEqualTo(1);
    assertThat(skewGauge("S3ProxyBucket", "unreadable")).isGreaterThanOrEqualTo(1);

    // The informers still see new objects.
    harness.create(bucket(ns, "later", "edge", "/later", null));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "later", "Accepted").equals("True Accepted"));

    editSpec(BUCKETS, ns, "future", spec -> spec.remove("futureField"));
    editSpec(BUCKETS, ns, "guarded", spec -> spec.put("auth", Map.of("type", "public")));
    editSpec(BUCKETS, ns, "typo", spec -> spec.put("ipAllow", List.of("10.0.0.0/8")));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String name : List.of("future", "guarded", "typo")) {
                assertThat(harness.bucketVerdict(ns, name, "Accepted"))
                    .as(name)
                    .isEqualTo("True Accepted");
                assertThat(harness.bucketVerdict(ns, name, "VersionSkew"))
                    .as(name)
                    .isEqualTo("False AllFieldsKnown");
              }
              assertThat(harness.renderedDocument(ns, "edge"))
                  .contains(
                      "\"/photos\"", "\"/future\"", "\"/guarded\"", "\"/typo\"", "\"/later\"");
            });
  }

  @Test
  void aFleetWithUnknownOrUnreadableFieldsDoesNotTakeTheOtherFleetsDown() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "good", 1));
    harness.create(bucket(ns, "good-files", "good", "/files", null));
    createRaw(FLEETS, fleetJson(ns, "ignored", "\"replicas\": 1, \"futureField\": {\"x\": 1}"));
    createRaw(BUCKETS, bucketJson(ns, "ignored-files", "ignored", "/files", ""));
    createRaw(FLEETS, fleetJson(ns, "guarded", "\"replicas\": 1, \"jwt\": {\"futureMode\": 1}"));
    createRaw(BUCKETS, bucketJson(ns, "guarded-files", "guarded", "/files", ""));
    createRaw(FLEETS, fleetJson(ns, "unreadable", "\"replicas\": \"three\""));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.fleetVerdict(ns, "good", "Degraded"))
                  .isEqualTo("False AsExpected");
              assertThat(harness.fleetVerdict(ns, "good", "VersionSkew"))
                  .isEqualTo("False AllFieldsKnown");
              assertThat(harness.bucketVerdict(ns, "good-files", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.fleetVerdict(ns, "ignored", "VersionSkew"))
                  .isEqualTo("True FieldsIgnored");
              assertThat(harness.fleetVerdict(ns, "ignored", "Degraded"))
                  .isEqualTo("False AsExpected");
              assertThat(harness.fleetVerdict(ns, "guarded", "VersionSkew"))
                  .isEqualTo("True FieldsRefused");
              assertThat(harness.fleetVerdict(ns, "guarded", "Degraded")).isEqualTo("True Invalid");
              assertThat(harness.bucketVerdict(ns, "guarded-files", "Programmed"))
                  .isEqualTo("False FleetInvalid");
              assertThat(harness.fleetVerdict(ns, "unreadable", "VersionSkew"))
                  .isEqualTo("True Unreadable");
            });
    assertThat(harness.renderedDocument(ns, "good")).contains("\"/files\"");
    assertThat(harness.renderedDocument(ns, "ignored")).contains("\"/files\"");
    assertThat(message(harness.fleetCondition(ns, "ignored", "VersionSkew")))
        .contains("spec.futureField");
    assertThat(message(harness.fleetCondition(ns, "guarded", "VersionSkew")))
        .contains("spec.jwt.futureMode (in spec.jwt: ", "upgrade the operator");
    assertThat(message(harness.fleetCondition(ns, "unreadable", "VersionSkew")))
        .contains("spec.replicas: cannot read the string \"three\" as an integer");
    // A refused fleet gets no owned objects from a spec read without some of its fields.
    assertThat(harness.configSecret(ns, "guarded")).isNull();
    assertThat(deployment(ns, "guarded")).isNull();
    assertThat(deployment(ns, "unreadable")).isNull();
    assertThat(harness.operatorReady()).isTrue();
    assertThat(skewGauge("S3ProxyConfig", "refused")).isGreaterThanOrEqualTo(1);

    editSpec(FLEETS, ns, "guarded", spec -> spec.remove("jwt"));
    editSpec(FLEETS, ns, "unreadable", spec -> spec.put("replicas", 2));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.fleetVerdict(ns, "guarded", "VersionSkew"))
                  .isEqualTo("False AllFieldsKnown");
              assertThat(harness.fleetVerdict(ns, "unreadable", "VersionSkew"))
                  .isEqualTo("False AllFieldsKnown");
              assertThat(harness.bucketVerdict(ns, "guarded-files", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.configSecret(ns, "guarded")).isNotNull();
              assertThat(harness.renderedDocument(ns, "guarded")).contains("\"/files\"");
              assertThat(deployment(ns, "unreadable")).isNotNull();
              assertThat(deployment(ns, "unreadable").getSpec().getReplicas()).isEqualTo(2);
            });
  }

  @Test
  void aRunningFleetThatTurnsUnreadableKeepsItsPodsAndSnapshot() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "steady", 2));
    harness.create(bucket(ns, "files", "steady", "/files", null));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                deployment(ns, "steady") != null
                    && harness.statusGeneration(ns, "steady") > 0
                    && harness.bucketVerdict(ns, "files", "Accepted").equals("True Accepted"));
    long generation = harness.storedGeneration(ns, "steady");

    editSpec(FLEETS, ns, "steady", spec -> spec.put("replicas", "three"));

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleetVerdict(ns, "steady", "VersionSkew").equals("True Unreadable"));
    assertThat(deployment(ns, "steady").getSpec().getReplicas()).isEqualTo(2);
    assertThat(harness.storedGeneration(ns, "steady")).isEqualTo(generation);
    assertThat(harness.statusGeneration(ns, "steady")).isEqualTo(generation);
    assertThat(harness.fleetVerdict(ns, "steady", "Degraded")).isEqualTo("True Invalid");

    editSpec(FLEETS, ns, "steady", spec -> spec.put("replicas", 3));

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.fleetVerdict(ns, "steady", "VersionSkew"))
                  .isEqualTo("False AllFieldsKnown");
              assertThat(deployment(ns, "steady").getSpec().getReplicas()).isEqualTo(3);
            });
    assertThat(harness.fleet(ns, "steady")).isInstanceOf(S3ProxyConfig.class);
  }

  private static ResourceDefinitionContext kind(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("yatagarasu.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  private static String bucketJson(String ns, String name, String prefix, String extra) {
    return bucketJson(ns, name, "edge", prefix, extra);
  }

  private static String bucketJson(
      String ns, String name, String fleet, String prefix, String extra) {
    return """
        {"apiVersion": "yatagarasu.io/v1alpha1", "kind": "S3ProxyBucket",
         "metadata": {"name": "%s", "namespace": "%s"},
         "spec": {"proxyRef": {"name": "%s"}, "pathPrefix": "%s",
                  "s3": {"bucket": "%s-bucket", "region": "us-east-1"},
                  "credentials": {"podIdentity": true}%s}}
        """
        .formatted(name, ns, fleet, prefix, name, extra);
  }

  private static String fleetJson(String ns, String name, String spec) {
    return """
        {"apiVersion": "yatagarasu.io/v1alpha1", "kind": "S3ProxyConfig",
         "metadata": {"name": "%s", "namespace": "%s"},
         "spec": {%s}}
        """
        .formatted(name, ns, spec);
  }

  private static void createRaw(ResourceDefinitionContext kind, String json) {
    GenericKubernetesResource object =
        client.getKubernetesSerialization().unmarshal(json, GenericKubernetesResource.class);
    client
        .genericKubernetesResources(kind)
        .inNamespace(object.getMetadata().getNamespace())
        .resource(object)
        .create();
  }

  @SuppressWarnings("unchecked")
  private static void editSpec(
      ResourceDefinitionContext kind, String ns, String name, Consumer<Map<String, Object>> edit) {
    await()
        .atMost(TIMEOUT)
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              client
                  .genericKubernetesResources(kind)
                  .inNamespace(ns)
                  .withName(name)
                  .edit(
                      object -> {
                        edit.accept(
                            (Map<String, Object>) object.getAdditionalProperties().get("spec"));
                        return object;
                      });
              return true;
            });
  }

  private static Deployment deployment(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  private static String message(Condition condition) {
    return condition == null ? "" : condition.getMessage();
  }

  /** The value of yatagarasu_operator_version_skew_objects for a kind and outcome. */
  private static double skewGauge(String kind, String outcome) {
    String prefix =
        "yatagarasu_operator_version_skew_objects{kind=\""
            + kind
            + "\",outcome=\""
            + outcome
            + "\"}";
    return harness
        .registry()
        .scrape()
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()).trim()))
        .findFirst()
        .orElse(-1);
  }
}
