package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.testkit.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the end-to-end tests against real proxy pods share, as a JUnit extension: before the class,
 * an s3proxy holding the named buckets (each with a {@code hello.txt}, see {@link Fleets#store})
 * and the operator, whose pushes reach the pods through a {@link Kubelet} view of a temporary root;
 * after each test, the kubelet the test asked for stops its pods; after the class, the operator and
 * the s3proxy stop.
 *
 * <pre>{@code
 * @EnableKubernetesMockClient(crud = true)
 * class SomeIT {
 *   static KubernetesClient client;
 *   @RegisterExtension static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos");
 * }
 * }</pre>
 *
 * The mock client extension is declared on the class, so it has set {@code client} before this
 * extension starts the operator.
 */
final class PodsFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private final Supplier<KubernetesClient> client;
  private String[] buckets;
  private Duration backoffBase = Duration.ofMillis(100);
  private Duration backoffCap = Duration.ofSeconds(1);
  private OperatorHarness harness;
  private S3ProxyServer store;
  private Path root;
  private Kubelet kubelet;

  PodsFixture(Supplier<KubernetesClient> client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** An s3proxy (the e2e tests' identity) with these buckets, for the whole class. */
  PodsFixture withStore(String... buckets) {
    this.buckets = buckets.clone();
    return this;
  }

  /** The operator's push retries (100 ms up to 1 s unless set). */
  PodsFixture withBackoff(Duration base, Duration cap) {
    this.backoffBase = base;
    this.backoffCap = cap;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    root = Files.createTempDirectory("yatagarasu-pods");
    if (buckets != null) {
      store = Fleets.store(buckets);
    }
    harness =
        OperatorHarness.start(
            client.get(),
            DistributorSettings.defaults()
                .withView(Kubelet.view(root))
                .withBackoff(backoffBase, backoffCap));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stopPods();
  }

  /** Stops the test's kubelet and its pods now (for a test that must stop them before others). */
  void stopPods() {
    if (kubelet != null) {
      kubelet.close();
      kubelet = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (harness != null) {
      harness.close();
    }
    if (store != null) {
      store.close();
    }
  }

  OperatorHarness harness() {
    return harness;
  }

  /** The class's s3proxy (only with {@link #withStore}). */
  S3ProxyServer store() {
    return Objects.requireNonNull(store, "store: the fixture was built without withStore");
  }

  /** Where the kubelets mount the pods' Secrets. */
  Path root() {
    return root;
  }

  /** Creates the labelled Secret {@code store-creds} holding the store's identity. */
  void createStoreCredentials(String namespace) {
    harness.create(
        Fleets.credentials(namespace, "store-creds", store().accessKey(), store().secretKey()));
  }

  /** A kubelet for {@code fleet}, stopped (with its pods) after the test. */
  Kubelet kubelet(String namespace, String fleet) {
    if (kubelet != null) {
      kubelet.close();
    }
    kubelet = new Kubelet(client.get(), namespace, fleet, root);
    return kubelet;
  }

  /**
   * Waits until the operator has written what a pod of {@code fleet} boots from: the rendered
   * config Secret (its document routing every one of {@code prefixes}), the admin-token Secret, and
   * the Deployment.
   */
  void awaitPodInputs(String namespace, String fleet, String... prefixes) {
    KubernetesClient api = client.get();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                harness.configSecret(namespace, fleet) != null
                    && api.apps().deployments().inNamespace(namespace).withName(fleet).get() != null
                    && api.secrets().inNamespace(namespace).withName(fleet + "-admin-token").get()
                        != null
                    && java.util.Arrays.stream(prefixes)
                        .allMatch(harness.renderedDocument(namespace, fleet)::contains));
  }

  /**
   * Creates the fleet {@code edge} of {@code replicas} pods in {@code namespace} with one bucket,
   * {@code photos} on {@code /photos} (the store's {@code photos} bucket, credentials from the
   * {@code store-creds} Secret), each shaped by its function; waits for what the pods boot from and
   * answers the kubelet that runs them (no pod started yet).
   */
  Kubelet photosFleet(
      String namespace,
      int replicas,
      UnaryOperator<S3ProxyConfig> fleetShape,
      UnaryOperator<S3ProxyBucket> bucketShape) {
    createStoreCredentials(namespace);
    harness.create(fleetShape.apply(Fleets.fleet(namespace, "edge", replicas)));
    harness.create(
        bucketShape.apply(
            Fleets.bucket(
                namespace, "photos", "edge", "/photos", "store-creds", "photos", store())));
    awaitPodInputs(namespace, "edge", "/photos");
    return kubelet(namespace, "edge");
  }

  /** {@link #photosFleet(String, int, UnaryOperator, UnaryOperator)} as created by the helpers. */
  Kubelet photosFleet(String namespace, int replicas) {
    return photosFleet(namespace, replicas, f -> f, b -> b);
  }
}
