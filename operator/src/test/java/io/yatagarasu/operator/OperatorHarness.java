package io.yatagarasu.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyBucketSpec;
import io.yatagarasu.operator.crd.S3ProxyCachePurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.dependent.FleetNames;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.render.Labels;
import io.yatagarasu.operator.render.PodLayout;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.runtime.OperatorSettings;
import io.yatagarasu.operator.runtime.YatagarasuOperator;
import io.yatagarasu.operator.status.Conditions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Starts the real operator against a (mock) API server and builds the objects tests apply. */
public final class OperatorHarness implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final KubernetesClient client;
  private final PrometheusMeterRegistry registry;
  private YatagarasuOperator operator;
  private DistributorSettings distribution = DistributorSettings.defaults();

  private OperatorHarness(KubernetesClient client) {
    this.client = client;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** Installs the CRDs from crds/ and starts the operator. */
  public static OperatorHarness start(KubernetesClient client) throws IOException {
    installCrds(client);
    OperatorHarness harness = new OperatorHarness(client);
    harness.startOperator();
    return harness;
  }

  /** Installs the CRDs and starts an operator whose pushes follow {@code distribution}. */
  public static OperatorHarness start(KubernetesClient client, DistributorSettings distribution)
      throws IOException {
    installCrds(client);
    OperatorHarness harness = new OperatorHarness(client);
    harness.distribution = distribution;
    harness.startOperator();
    return harness;
  }

  /** A harness whose tests start their own operators. */
  public static OperatorHarness startWithoutOperator(KubernetesClient client) {
    return new OperatorHarness(client);
  }

  public static void installCrds(KubernetesClient client) throws IOException {
    Path crds = Path.of(System.getProperty("yatagarasu.repoRoot", "..")).resolve("crds");
    try (var files = Files.list(crds)) {
      for (Path file : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          client.load(in).createOrReplace();
        }
      }
    }
  }

  public void startOperator() {
    operator = newOperator(null, null);
    operator.start();
    await().atMost(TIMEOUT).until(operator::ready);
  }

  /** An operator that is not started; with a lease namespace, it elects a leader first. */
  public YatagarasuOperator newOperator(String leaseNamespace, String identity) {
    return newOperator(leaseNamespace, identity, registry);
  }

  /** Like {@link #newOperator(String, String)}, with meters of its own, as a separate process. */
  public YatagarasuOperator newOperator(
      String leaseNamespace, String identity, PrometheusMeterRegistry registry) {
    return YatagarasuOperator.create(
        client,
        new OperatorSettings(
            Set.of(),
            "example.org/yatagarasu-proxy:test",
            leaseNamespace,
            "yatagarasu-operator",
            identity,
            false,
            0,
            Duration.ZERO),
        new OperatorMetrics(registry),
        Clock.systemUTC(),
        distribution);
  }

  /** Started, and every informer connected and synced: what the operator's readiness reports. */
  public boolean operatorReady() {
    return operator != null && operator.ready();
  }

  public void stopOperator() {
    operator.close();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
  }

  /** A fresh namespace per test keeps the tests of one class independent. */
  public String newNamespace() {
    String name = "test-" + NAMESPACES.incrementAndGet();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  public static S3ProxyConfig fleet(String namespace, String name, int replicas) {
    S3ProxyConfig fleet = new S3ProxyConfig();
    fleet.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    S3ProxyConfigSpec spec = new S3ProxyConfigSpec();
    spec.setReplicas(replicas);
    fleet.setSpec(spec);
    return fleet;
  }

  public static S3ProxyBucket bucket(
      String namespace, String name, String fleet, String prefix, String secret) {
    S3ProxyBucket bucket = new S3ProxyBucket();
    bucket.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    S3ProxyBucketSpec spec = new S3ProxyBucketSpec();
    S3ProxyBucketSpec.ProxyRef ref = new S3ProxyBucketSpec.ProxyRef();
    ref.setName(fleet);
    spec.setProxyRef(ref);
    spec.setPathPrefix(prefix);
    S3ProxyBucketSpec.S3 s3 = new S3ProxyBucketSpec.S3();
    s3.setBucket(name + "-bucket");
    s3.setRegion("us-east-1");
    spec.setS3(s3);
    S3ProxyBucketSpec.Credentials credentials = new S3ProxyBucketSpec.Credentials();
    if (secret == null) {
      credentials.setPodIdentity(true);
    } else {
      S3ProxyBucketSpec.SecretRef ref2 = new S3ProxyBucketSpec.SecretRef();
      ref2.setName(secret);
      credentials.setSecretRef(ref2);
    }
    spec.setCredentials(credentials);
    bucket.setSpec(spec);
    return bucket;
  }

  /** An S3ProxyCachePurge whose spec {@code selection} fills in. */
  public static S3ProxyCachePurge purge(
      String namespace, String name, Consumer<S3ProxyCachePurgeSpec> selection) {
    S3ProxyCachePurge purge = new S3ProxyCachePurge();
    purge.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    S3ProxyCachePurgeSpec spec = new S3ProxyCachePurgeSpec();
    selection.accept(spec);
    purge.setSpec(spec);
    return purge;
  }

  /** A purge selection: these keys of one bucket (an S3ProxyBucket of the purge's namespace). */
  public static Consumer<S3ProxyCachePurgeSpec> keysOf(String bucket, String... keys) {
    return spec -> {
      spec.setBucketRef(new S3ProxyCachePurgeSpec.LocalRef(bucket));
      spec.setKeys(List.of(keys));
    };
  }

  public static Secret credentials(
      String namespace, String name, String secretKey, boolean labelled) {
    SecretBuilder builder =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .addToData("AWS_ACCESS_KEY_ID", base64("AKIA" + name.toUpperCase().replace("-", "")))
            .addToData("AWS_SECRET_ACCESS_KEY", base64(secretKey));
    if (labelled) {
      builder.editMetadata().addToLabels(Labels.CREDENTIALS, "true").endMetadata();
    }
    return builder.build();
  }

  public static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Edits an object, retrying when the operator's own status write got there first (409). */
  public <T extends HasMetadata> void edit(
      Class<T> type, String namespace, String name, UnaryOperator<T> change) {
    await()
        .atMost(TIMEOUT)
        .ignoreException(KubernetesClientException.class)
        .until(
            () -> {
              client.resources(type).inNamespace(namespace).withName(name).edit(change);
              return true;
            });
  }

  public <T extends HasMetadata> T create(T object) {
    return client.resource(object).create();
  }

  public S3ProxyConfig fleet(String namespace, String name) {
    return client.resources(S3ProxyConfig.class).inNamespace(namespace).withName(name).get();
  }

  public S3ProxyBucket bucket(String namespace, String name) {
    return client.resources(S3ProxyBucket.class).inNamespace(namespace).withName(name).get();
  }

  public Secret configSecret(String namespace, String fleet) {
    return client.secrets().inNamespace(namespace).withName(fleet + "-config").get();
  }

  /** The rendered document in the fleet's config Secret. */
  public String renderedDocument(String namespace, String fleet) {
    Secret secret = configSecret(namespace, fleet);
    return new String(
        Base64.getDecoder().decode(secret.getData().get(PodLayout.CONFIG_KEY)),
        StandardCharsets.UTF_8);
  }

  public long storedGeneration(String namespace, String fleet) {
    Secret secret = configSecret(namespace, fleet);
    return secret == null
        ? 0
        : Long.parseLong(
            secret.getMetadata().getAnnotations().get(FleetNames.CONFIG_GENERATION_ANNOTATION));
  }

  /** status.configGeneration, or -1 before the first status. */
  public long statusGeneration(String namespace, String name) {
    S3ProxyConfig fleet = fleet(namespace, name);
    return fleet == null
            || fleet.getStatus() == null
            || fleet.getStatus().getConfigGeneration() == null
        ? -1
        : fleet.getStatus().getConfigGeneration();
  }

  public static Condition condition(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type);
  }

  public Condition fleetCondition(String namespace, String name, String type) {
    S3ProxyConfig fleet = fleet(namespace, name);
    return fleet == null || fleet.getStatus() == null
        ? null
        : condition(fleet.getStatus().getConditions(), type);
  }

  public Condition bucketCondition(String namespace, String name, String type) {
    S3ProxyBucket bucket = bucket(namespace, name);
    return bucket == null || bucket.getStatus() == null
        ? null
        : condition(bucket.getStatus().getConditions(), type);
  }

  /** "Status Reason" of a bucket condition, or "absent". */
  public String bucketVerdict(String namespace, String name, String type) {
    Condition c = bucketCondition(namespace, name, type);
    return c == null ? "absent" : c.getStatus() + " " + c.getReason();
  }

  public String fleetVerdict(String namespace, String name, String type) {
    Condition c = fleetCondition(namespace, name, type);
    return c == null ? "absent" : c.getStatus() + " " + c.getReason();
  }
}
