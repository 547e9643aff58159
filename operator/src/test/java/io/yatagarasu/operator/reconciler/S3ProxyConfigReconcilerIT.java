package io.yatagarasu.operator.reconciler;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static io.yatagarasu.operator.OperatorHarness.bucket;
import static io.yatagarasu.operator.OperatorHarness.credentials;
import static io.yatagarasu.operator.OperatorHarness.fleet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.JwtSettings;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyBucketSpec;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.SecretKeyRef;
import io.yatagarasu.operator.render.PodLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class S3ProxyConfigReconcilerIT {
  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  @BeforeAll
  static void startOperator() throws Exception {
    harness = OperatorHarness.start(client);
  }

  @AfterAll
  static void stopOperator() {
    harness.close();
  }

  /**
   * Status is written whole (a PUT of the status subresource, with the resourceVersion it was
   * computed from, which a real API server checks). A JSON Patch computed against an outdated
   * cached copy addresses list entries by index and, applied to the newer object, listed a pod
   * twice in {@code status.tls.pods}.
   */
  @Test
  void writesStatusWholeNeverAsAPatchByIndex() throws Exception {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "photos", "edge", "/photos", null));
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.bucketVerdict(ns, "photos", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.fleet(ns, "edge").getStatus()).isNotNull();
            });

    // Every request the mock server has recorded so far, this class's other tests' included.
    List<RecordedRequest> writes = new ArrayList<>();
    for (int recorded = server.getRequestCount(); recorded > 0; recorded--) {
      RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
      if (request == null) {
        break;
      }
      String path = request.getPath().split("\\?")[0];
      if (path.contains("/namespaces/" + ns + "/") && path.endsWith("/status")) {
        writes.add(request);
      }
    }

    assertThat(writes)
        .as("status writes of the fleet and the bucket")
        .anyMatch(r -> r.getPath().contains("/s3proxyconfigs/edge/status"))
        .anyMatch(r -> r.getPath().contains("/s3proxybuckets/photos/status"));
    assertThat(writes)
        .as("whole replacements (PUT), no JSON Patch")
        .allSatisfy(write -> assertThat(write.getMethod()).as(write.getPath()).isEqualTo("PUT"));
  }

  @Test
  void createsOwnedObjectsAndRendersTheSnapshot() {
    String ns = harness.newNamespace();
    harness.create(credentials(ns, "photos-creds", "photos-secret", true));
    S3ProxyConfig created = harness.create(fleet(ns, "edge", 2));
    harness.create(bucket(ns, "photos", "edge", "/photos", "photos-creds"));

    // One reconcile writes the config Secret first and the other owned objects after it.
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && harness.renderedDocument(ns, "edge").contains("/photos")
                    && client.apps().deployments().inNamespace(ns).withName("edge").get() != null
                    && client.services().inNamespace(ns).withName("edge").get() != null
                    && client
                            .policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(ns)
                            .withName("edge")
                            .get()
                        != null);
    assertThat(harness.renderedDocument(ns, "edge"))
        .contains("\"generation\": ", "\"pathPrefix\": \"/photos\"", "photos-secret")
        .contains("\"tokenFile\": \"" + PodLayout.ADMIN_TOKEN_FILE + "\"");

    String uid = created.getMetadata().getUid();
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    Service service = client.services().inNamespace(ns).withName("edge").get();
    Secret token = client.secrets().inNamespace(ns).withName("edge-admin-token").get();
    PodDisruptionBudget budget =
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("edge").get();
    for (HasMetadata owned :
        new HasMetadata[] {deployment, service, token, budget, harness.configSecret(ns, "edge")}) {
      assertThat(owned).as("owned object").isNotNull();
      assertThat(owned.getMetadata().getOwnerReferences())
          .extracting(OwnerReference::getUid, OwnerReference::getKind)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(uid, "S3ProxyConfig"));
    }
    assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              S3ProxyConfig fleet = harness.fleet(ns, "edge");
              assertThat(fleet.getStatus().getObservedGeneration()).isEqualTo(1L);
              assertThat(fleet.getStatus().getConfigGeneration())
                  .isEqualTo(harness.storedGeneration(ns, "edge"));
              assertThat(fleet.getStatus().getBuckets().getAccepted()).isEqualTo(1);
              assertThat(harness.fleetVerdict(ns, "edge", "Ready")).isEqualTo("False PodsNotReady");
              assertThat(harness.fleetVerdict(ns, "edge", "Programmed"))
                  .isEqualTo("Unknown NotPushed");
              assertThat(harness.fleetVerdict(ns, "edge", "Degraded"))
                  .isEqualTo("False AsExpected");
              assertThat(harness.bucketVerdict(ns, "photos", "Accepted"))
                  .isEqualTo("True Accepted");
              assertThat(harness.bucketVerdict(ns, "photos", "ResolvedRefs"))
                  .isEqualTo("True ResolvedRefs");
              assertThat(harness.bucket(ns, "photos").getStatus().getObservedGeneration())
                  .isEqualTo(1L);
            });
  }

  @Test
  void readyFollowsTheDeploymentsReadyPods() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 2));
    await()
        .atMost(TIMEOUT)
        .until(() -> client.apps().deployments().inNamespace(ns).withName("edge").get() != null);
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();
    deployment.setStatus(
        new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(2).build());
    client.apps().deployments().inNamespace(ns).resource(deployment).updateStatus();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(harness.fleetVerdict(ns, "edge", "Ready")).isEqualTo("True PodsReady");
              assertThat(harness.fleet(ns, "edge").getStatus().getReadyReplicas()).isEqualTo(2);
            });
  }

  @Test
  void bucketChangeRaisesTheGenerationAndLeavesThePodTemplateAlone() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 2));
    harness.create(bucket(ns, "photos", "edge", "/photos", null));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "photos", "Accepted").equals("True Accepted"));
    long before = harness.storedGeneration(ns, "edge");
    Deployment deployment = client.apps().deployments().inNamespace(ns).withName("edge").get();

    harness.edit(
        S3ProxyBucket.class,
        ns,
        "photos",
        b -> {
          b.getSpec().setPathPrefix("/pictures");
          return b;
        });

    await().atMost(TIMEOUT).until(() -> harness.renderedDocument(ns, "edge").contains("/pictures"));
    assertThat(harness.storedGeneration(ns, "edge")).isEqualTo(before + 1);
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleet(ns, "edge").getStatus().getConfigGeneration() == before + 1);
    Deployment after = client.apps().deployments().inNamespace(ns).withName("edge").get();
    assertThat(after.getSpec().getTemplate()).isEqualTo(deployment.getSpec().getTemplate());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(deployment.getMetadata().getResourceVersion());
  }

  @Test
  void secretChangeReRendersOnlyTheFleetsThatUseIt() {
    String ns = harness.newNamespace();
    harness.create(credentials(ns, "shared", "first-secret", true));
    harness.create(fleet(ns, "uses-it", 1));
    harness.create(fleet(ns, "does-not", 1));
    harness.create(bucket(ns, "private", "uses-it", "/private", "shared"));
    harness.create(bucket(ns, "public", "does-not", "/public", null));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.bucketVerdict(ns, "private", "ResolvedRefs").equals("True ResolvedRefs")
                    && harness.bucketVerdict(ns, "public", "Accepted").equals("True Accepted"));
    long using = harness.storedGeneration(ns, "uses-it");
    String untouchedVersion =
        harness.configSecret(ns, "does-not").getMetadata().getResourceVersion();
    long notUsing = harness.storedGeneration(ns, "does-not");

    harness.edit(
        Secret.class,
        ns,
        "shared",
        s -> {
          s.getData().put("AWS_SECRET_ACCESS_KEY", OperatorHarness.base64("rotated-secret"));
          return s;
        });

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.renderedDocument(ns, "uses-it").contains("rotated-secret"));
    assertThat(harness.storedGeneration(ns, "uses-it")).isEqualTo(using + 1);
    assertThat(harness.storedGeneration(ns, "does-not")).isEqualTo(notUsing);
    assertThat(harness.configSecret(ns, "does-not").getMetadata().getResourceVersion())
        .isEqualTo(untouchedVersion);
  }

  @Test
  void unlabelledSecretIsReportedAndLabellingItResolvesTheBucket() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(credentials(ns, "plain", "plain-secret", false));
    harness.create(bucket(ns, "private", "edge", "/private", "plain"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness
                    .bucketVerdict(ns, "private", "ResolvedRefs")
                    .equals("False SecretNotLabelled"));
    assertThat(harness.bucketCondition(ns, "private", "ResolvedRefs").getMessage())
        .contains("kubectl label secret plain -n " + ns + " yatagarasu.io/credentials=true")
        .doesNotContain("plain-secret");
    assertThat(harness.bucketVerdict(ns, "private", "Programmed"))
        .isEqualTo("False SecretNotLabelled");
    assertThat(harness.renderedDocument(ns, "edge")).doesNotContain("plain-secret");

    harness.edit(
        Secret.class,
        ns,
        "plain",
        s -> {
          s.getMetadata().getLabels().put("yatagarasu.io/credentials", "true");
          return s;
        });

    await()
        .atMost(TIMEOUT)
        .until(
            () -> harness.bucketVerdict(ns, "private", "ResolvedRefs").equals("True ResolvedRefs"));
    assertThat(harness.renderedDocument(ns, "edge")).contains("plain-secret");
  }

  @Test
  void missingSecretIsReportedUntilItIsCreated() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "private", "edge", "/private", "later"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness
                    .bucketVerdict(ns, "private", "ResolvedRefs")
                    .equals("False SecretNotFound"));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleetVerdict(ns, "edge", "Degraded").equals("True BucketsRejected"));

    harness.create(credentials(ns, "later", "later-secret", true));

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.bucketVerdict(ns, "private", "ResolvedRefs").equals("True ResolvedRefs")
                    && harness.fleetVerdict(ns, "edge", "Degraded").equals("False AsExpected"));
  }

  @Test
  void olderBucketKeepsAConflictingPrefix() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "first", "edge", "/shared", null));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "first", "Accepted").equals("True Accepted"));
    harness.create(bucket(ns, "second", "edge", "/shared/", null));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> harness.bucketVerdict(ns, "second", "Accepted").equals("False PrefixConflict"));
    assertThat(harness.bucketCondition(ns, "second", "Accepted").getMessage())
        .contains("already served by the older S3ProxyBucket " + ns + "/first");
    assertThat(harness.bucketVerdict(ns, "first", "Accepted")).isEqualTo("True Accepted");
    // The fleet's status is written after the verdicts it hands to the buckets.
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleet(ns, "edge").getStatus().getBuckets().getRejected() == 1);

    client.resources(S3ProxyBucket.class).inNamespace(ns).withName("first").delete();

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "second", "Accepted").equals("True Accepted"));
    assertThat(harness.renderedDocument(ns, "edge")).contains("\"name\": \"second\"");
    assertThat(harness.renderedDocument(ns, "edge")).doesNotContain("\"name\": \"first\"");
  }

  @Test
  void bucketWithoutItsFleetIsProxyNotFoundUntilTheFleetAppears() {
    String ns = harness.newNamespace();
    harness.create(bucket(ns, "early", "later-fleet", "/early", null));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "early", "Accepted").equals("False ProxyNotFound"));
    assertThat(harness.bucketVerdict(ns, "early", "ResolvedRefs")).isEqualTo("Unknown Pending");

    harness.create(fleet(ns, "later-fleet", 1));

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "early", "Accepted").equals("True Accepted"));

    client.resources(S3ProxyConfig.class).inNamespace(ns).withName("later-fleet").delete();

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "early", "Accepted").equals("False ProxyNotFound"));
  }

  @Test
  void movingABucketToAnotherFleetRemovesItFromTheFirst() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "one", 1));
    harness.create(fleet(ns, "two", 1));
    harness.create(bucket(ns, "mover", "one", "/mover", null));
    await().atMost(TIMEOUT).until(() -> harness.renderedDocument(ns, "one").contains("/mover"));

    harness.edit(
        S3ProxyBucket.class,
        ns,
        "mover",
        b -> {
          b.getSpec().getProxyRef().setName("two");
          return b;
        });

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "two") != null
                    && harness.renderedDocument(ns, "two").contains("/mover")
                    && !harness.renderedDocument(ns, "one").contains("/mover"));
  }

  @Test
  void scalingToOneReplicaRemovesTheDisruptionBudget() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 3));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("edge").get()
                    != null);

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          f.getSpec().setReplicas(1);
          return f;
        });

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("edge").get()
                    == null);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("edge")
                        .get()
                        .getSpec()
                        .getReplicas()
                    == 1);
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              S3ProxyConfig fleet = harness.fleet(ns, "edge");
              assertThat(fleet.getStatus().getObservedGeneration())
                  .isEqualTo(fleet.getMetadata().getGeneration());
              assertThat(harness.fleetCondition(ns, "edge", "Ready").getObservedGeneration())
                  .isEqualTo(fleet.getMetadata().getGeneration());
            });
  }

  @Test
  void podTemplateIsHardenedAndMountsTheSnapshotAndToken() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 2));
    await()
        .atMost(TIMEOUT)
        .until(() -> client.apps().deployments().inNamespace(ns).withName("edge").get() != null);
    var pod =
        client.apps().deployments().inNamespace(ns).withName("edge").get().getSpec().getTemplate();
    var container = pod.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("example.org/yatagarasu-proxy:test");
    assertThat(container.getArgs()).containsExactly("--config", PodLayout.CONFIG_FILE);
    assertThat(container.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("http:8080", "admin:9090");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(40L);
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
        .contains(PodLayout.CONFIG_DIR + ":true", PodLayout.ADMIN_TOKEN_DIR + ":true");
    assertThat(pod.getSpec().getVolumes())
        .extracting(v -> v.getSecret() == null ? v.getName() : v.getSecret().getSecretName())
        .contains("edge-config", "edge-admin-token");
    assertThat(pod.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void adminTokenIsGeneratedOnceAndKept() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    await()
        .atMost(TIMEOUT)
        .until(() -> client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null);
    Secret token = client.secrets().inNamespace(ns).withName("edge-admin-token").get();
    byte[] value =
        java.util.Base64.getDecoder().decode(token.getData().get(PodLayout.ADMIN_TOKEN_KEY));
    assertThat(java.util.Base64.getUrlDecoder().decode(value)).hasSize(32);

    harness.create(bucket(ns, "more", "edge", "/more", null));
    await().atMost(TIMEOUT).until(() -> harness.renderedDocument(ns, "edge").contains("/more"));

    assertThat(client.secrets().inNamespace(ns).withName("edge-admin-token").get().getData())
        .isEqualTo(token.getData());
  }

  @Test
  void invalidFleetKeepsTheLastGoodSnapshotAndIsDegraded() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "files", "edge", "/files", null));
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "files", "Accepted").equals("True Accepted"));
    long good = harness.storedGeneration(ns, "edge");

    harness.edit(
        S3ProxyConfig.class,
        ns,
        "edge",
        f -> {
          var upstream = new io.yatagarasu.operator.crd.UpstreamSettings();
          upstream.setConnectTimeout("0s");
          f.getSpec().setUpstream(upstream);
          return f;
        });

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.fleetVerdict(ns, "edge", "Degraded").equals("True Invalid"));
    assertThat(harness.fleetVerdict(ns, "edge", "Programmed")).isEqualTo("False Invalid");
    assertThat(harness.fleetCondition(ns, "edge", "Degraded").getMessage())
        .contains("spec.upstream.connectTimeout: 0s (expected: > 0)");
    assertThat(harness.storedGeneration(ns, "edge")).isEqualTo(good);
    await()
        .atMost(TIMEOUT)
        .until(() -> harness.bucketVerdict(ns, "files", "Programmed").equals("False FleetInvalid"));
  }

  @Test
  void rotatingAJwtKeySecretReRendersTheFleetThatUsesIt() {
    String ns = harness.newNamespace();
    Secret keys = credentials(ns, "jwt-keys", "unused", true);
    keys.getData().put("hmac", OperatorHarness.base64("first-hmac-secret-of-32-bytes-long!"));
    harness.create(keys);
    S3ProxyConfig fleet = fleet(ns, "edge", 1);
    JwtSettings jwt = new JwtSettings();
    JwtSettings.Issuer issuer = new JwtSettings.Issuer();
    issuer.setName("corp");
    issuer.setIssuer("https://login.example.com/");
    JwtSettings.Key key = new JwtSettings.Key();
    key.setAlgorithm(JwtSettings.Algorithm.HS256);
    SecretKeyRef ref = new SecretKeyRef();
    ref.setName("jwt-keys");
    ref.setKey("hmac");
    key.setSecretKeyRef(ref);
    issuer.setKeys(java.util.List.of(key));
    jwt.setIssuers(java.util.List.of(issuer));
    fleet.getSpec().setJwt(jwt);
    harness.create(fleet);
    S3ProxyBucket bucket = bucket(ns, "private", "edge", "/private", null);
    S3ProxyBucketSpec.Auth auth = new S3ProxyBucketSpec.Auth();
    auth.setType(S3ProxyBucketSpec.Auth.Type.JWT);
    bucket.getSpec().setAuth(auth);
    harness.create(bucket);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && harness.renderedDocument(ns, "edge").contains("first-hmac-secret")
                    && harness.renderedDocument(ns, "edge").contains("/private"));

    harness.edit(
        Secret.class,
        ns,
        "jwt-keys",
        s -> {
          s.getData().put("hmac", OperatorHarness.base64("second-hmac-secret-of-32-bytes-long"));
          return s;
        });

    await()
        .atMost(TIMEOUT)
        .until(() -> harness.renderedDocument(ns, "edge").contains("second-hmac-secret"));
  }

  @Test
  void deletingACredentialsSecretTakesItsBucketOutOfTheSnapshot() {
    String ns = harness.newNamespace();
    harness.create(credentials(ns, "short-lived", "short-lived-secret", true));
    harness.create(fleet(ns, "edge", 1));
    harness.create(bucket(ns, "private", "edge", "/private", "short-lived"));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(ns, "edge") != null
                    && harness.renderedDocument(ns, "edge").contains("short-lived-secret"));

    client.secrets().inNamespace(ns).withName("short-lived").delete();

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness
                    .bucketVerdict(ns, "private", "ResolvedRefs")
                    .equals("False SecretNotFound"));
    assertThat(harness.renderedDocument(ns, "edge")).doesNotContain("short-lived-secret");
  }

  @Test
  void deletedOwnedObjectsAreRecreated() {
    String ns = harness.newNamespace();
    harness.create(fleet(ns, "edge", 2));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.apps().deployments().inNamespace(ns).withName("edge").get() != null
                    && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null);
    var token = client.secrets().inNamespace(ns).withName("edge-admin-token").get().getData();

    client.apps().deployments().inNamespace(ns).withName("edge").delete();
    client.services().inNamespace(ns).withName("edge").delete();
    client.secrets().inNamespace(ns).withName("edge-admin-token").delete();

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                client.apps().deployments().inNamespace(ns).withName("edge").get() != null
                    && client.services().inNamespace(ns).withName("edge").get() != null
                    && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null);
    assertThat(client.secrets().inNamespace(ns).withName("edge-admin-token").get().getData())
        .isNotEqualTo(token);
  }
}
