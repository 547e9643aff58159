package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.ServerSettings;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.proxy.ProxyServer;
import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes quick start (examples/quickstart) against the mock API server, with the real
 * operator running and a real proxy per pod. Its manifests are applied as shipped, except what only
 * a real cluster runs: MinIO's Deployment and seed Job. s3proxy stands in for MinIO, seeded with
 * the objects of the samples ConfigMap at the keys the seed Job's script copies them to, and
 * accepting only the read-only users the Job creates. Two changes a single host forces: the pods'
 * listen ports move to free ones (on a cluster each pod has its own network namespace), and the
 * buckets' endpoint, the MinIO Service's DNS name, becomes a relay in front of s3proxy. Then the
 * requests of run.sh, and the credential rotation up to the new generation programmed on every pod.
 */
@EnableKubernetesMockClient(crud = true)
class QuickstartIT {
  static final Path QUICKSTART =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).resolve("examples/quickstart");
  private static final String NS = "quickstart";
  private static final String MINIO_ENDPOINT = "http://minio.quickstart.svc:9000";
  private static final String[] IPS = {"127.0.0.31", "127.0.0.32"};
  private static final Pattern MAKE_BUCKET =
      Pattern.compile("mc mb --ignore-existing local/(\\S+)");
  private static final Pattern COPY =
      Pattern.compile("mc cp /samples/(\\S+) local/([^/\\s]+)/(\\S+)");

  static KubernetesClient client;
  static OperatorHarness harness;
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("yatagarasu-quickstart-pods");
    harness =
        OperatorHarness.start(
            client,
            DistributorSettings.defaults()
                .withView(Kubelet.view(root))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void quickstartServesBothBucketsAndProgramsTheRotatedCredentials() throws Exception {
    List<HasMetadata> manifests = new ArrayList<>();
    for (String file : List.of("minio.yaml", "credentials.yaml", "proxy.yaml", "buckets.yaml")) {
      manifests.addAll(load(file));
    }
    Job seed = one(manifests, Job.class, "minio-seed");
    one(manifests, Deployment.class, "minio");
    Service minio = one(manifests, Service.class, "minio");
    assertThat(URI.create(MINIO_ENDPOINT))
        .hasHost(minio.getMetadata().getName() + "." + NS + ".svc")
        .hasPort(minio.getSpec().getPorts().get(0).getPort());
    Map<String, String> samples = one(manifests, ConfigMap.class, "quickstart-samples").getData();
    Map<String, String> jobEnv =
        seed.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    String script =
        String.join("\n", seed.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
    Map<String, String> first = values(one(manifests, Secret.class, "quickstart-s3"));
    Map<String, String> rotated =
        values(one(load("credentials-rotated.yaml"), Secret.class, "quickstart-s3"));
    // The users the rotation moves between are the ones the seed Job creates in MinIO.
    assertThat(first)
        .containsEntry("AWS_ACCESS_KEY_ID", jobEnv.get("READER_KEY"))
        .containsEntry("AWS_SECRET_ACCESS_KEY", jobEnv.get("READER_SECRET"));
    assertThat(rotated)
        .containsEntry("AWS_ACCESS_KEY_ID", jobEnv.get("NEXT_READER_KEY"))
        .containsEntry("AWS_SECRET_ACCESS_KEY", jobEnv.get("NEXT_READER_SECRET"));
    assertThat(values(one(manifests, Secret.class, "quickstart-issuer")).get("public.pem"))
        .isEqualTo(Files.readString(QUICKSTART.resolve("jwt/issuer-public.pem")));

    try (S3ProxyServer store =
            seeded(
                first.get("AWS_ACCESS_KEY_ID"),
                first.get("AWS_SECRET_ACCESS_KEY"),
                script,
                samples);
        S3ProxyServer next =
            seeded(
                rotated.get("AWS_ACCESS_KEY_ID"),
                rotated.get("AWS_SECRET_ACCESS_KEY"),
                script,
                samples);
        Relay relay = new Relay(store.port())) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      for (HasMetadata item : manifests) {
        if (item instanceof Deployment || item instanceof Job) {
          continue; // MinIO itself: s3proxy serves in its place
        }
        if (item instanceof S3ProxyBucket bucket) {
          assertThat(bucket.getSpec().getS3().getEndpoint()).isEqualTo(MINIO_ENDPOINT);
          bucket.getSpec().getS3().setEndpoint(relay.endpoint().toString());
        }
        if (item instanceof S3ProxyConfig fleet) {
          assertThat(fleet.getSpec().getServer())
              .as("the quick start keeps default ports")
              .isNull();
          ServerSettings server = new ServerSettings();
          server.setPort(FreePorts.find());
          server.setAdminPort(FreePorts.find());
          fleet.getSpec().setServer(server);
        }
        client.resource(item).create();
      }

      assertThat(manifests).filteredOn(S3ProxyBucket.class::isInstance).hasSize(2);
      S3ProxyConfig fleet = harness.fleet(NS, "edge");
      assertThat(fleet.getSpec().getServer().getPort()).isNotEqualTo(8080);
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  harness.configSecret(NS, "edge") != null
                      && client.secrets().inNamespace(NS).withName("edge-admin-token").get() != null
                      && client.apps().deployments().inNamespace(NS).withName("edge").get() != null
                      && harness.renderedDocument(NS, "edge").contains("/reports"));
      assertThat(fleet.getSpec().getReplicas()).isEqualTo(IPS.length);
      try (Kubelet kubelet = new Kubelet(client, NS, "edge", root)) {
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < IPS.length; i++) {
          pods.add("edge-" + i);
          kubelet.start(pods.get(i), IPS[i]);
        }
        await()
            .atMost(TIMEOUT)
            .until(
                () -> "True".equals(harness.fleetCondition(NS, "edge", "Programmed").getStatus()));
        for (String bucket : List.of("public-assets", "reports")) {
          assertThat(harness.bucketVerdict(NS, bucket, "Accepted")).isEqualTo("True Accepted");
        }

        String token = Files.readString(QUICKSTART.resolve("jwt/token.jwt")).strip();
        for (String pod : pods) {
          String base = kubelet.base(pod);
          HttpResponse<String> hello = Fleets.get(base + "/public/hello.txt");
          assertThat(hello.statusCode()).as(pod).isEqualTo(200);
          assertThat(hello.body()).isEqualTo(samples.get("hello.txt"));
          HttpResponse<String> report = get(base + "/reports/2026/summary.csv", token);
          assertThat(report.statusCode()).as(pod).isEqualTo(200);
          assertThat(report.body()).isEqualTo(samples.get("summary.csv"));
          HttpResponse<String> anonymous = Fleets.get(base + "/reports/2026/summary.csv");
          assertThat(anonymous.statusCode()).as(pod).isEqualTo(401);
          assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
              .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        // The rotation: MinIO accepts both users; here the relay moves to the store that knows
        // the new one, so only the new credentials can serve from now on.
        long before = harness.statusGeneration(NS, "edge");
        relay.switchTo(next.port());
        Secret update = one(load("credentials-rotated.yaml"), Secret.class, "quickstart-s3");
        harness.edit(
            Secret.class,
            NS,
            "quickstart-s3",
            s -> {
              s.setData(encoded(values(update)));
              s.setStringData(null);
              return s;
            });
        await()
            .atMost(TIMEOUT)
            .until(
                () -> {
                  long now = harness.statusGeneration(NS, "edge");
                  var programmed = harness.fleetCondition(NS, "edge", "Programmed");
                  return now > before
                      && "True".equals(programmed.getStatus())
                      && programmed.getMessage().contains("at generation " + now + " ");
                });
        long after = harness.statusGeneration(NS, "edge");
        for (ProxyServer proxy : kubelet.proxies()) {
          assertThat(proxy.snapshot().generation()).isEqualTo(after);
        }
        for (String pod : pods) {
          HttpResponse<String> hello = Fleets.get(kubelet.base(pod) + "/public/hello.txt");
          assertThat(hello.statusCode()).as(pod).isEqualTo(200);
          assertThat(hello.body()).isEqualTo(samples.get("hello.txt"));
          assertThat(get(kubelet.base(pod) + "/reports/2026/summary.csv", token).statusCode())
              .isEqualTo(200);
        }
      }
    }
  }

  @Test
  void runScriptMakesTheRequestsAndTheRotationThisTestChecks() throws IOException {
    String run = Files.readString(QUICKSTART.resolve("run.sh"));
    assertThat(run)
        .contains(
            "curl -fsS \"$BASE/public/hello.txt\"",
            "curl -fsS -H \"Authorization: Bearer $(cat \"$HERE/jwt/token.jwt\")\""
                + " \"$BASE/reports/2026/summary.csv\"",
            "[ \"$status\" = 401 ]",
            "kubectl apply -f \"$HERE/minio.yaml\"",
            "kubectl apply -f \"$HERE/credentials.yaml\" -f \"$HERE/proxy.yaml\" -f"
                + " \"$HERE/buckets.yaml\"",
            "kubectl apply -f \"$HERE/credentials-rotated.yaml\"",
            "-f \"$HERE/values.yaml\"",
            "Dockerfile.proxy",
            "Dockerfile.operator");
  }

  /** The objects of a quick-start file, the custom resources as their Java types. */
  private static List<HasMetadata> load(String file) throws IOException {
    try (InputStream in = Files.newInputStream(QUICKSTART.resolve(file))) {
      List<HasMetadata> items = new ArrayList<>();
      for (HasMetadata item : client.load(in).items()) {
        assertThat(item.getMetadata().getNamespace()).as(file).isEqualTo(NS);
        items.add(
            switch (item.getKind()) {
              case "S3ProxyConfig" ->
                  client.getKubernetesSerialization().convertValue(item, S3ProxyConfig.class);
              case "S3ProxyBucket" ->
                  client.getKubernetesSerialization().convertValue(item, S3ProxyBucket.class);
              default -> item;
            });
      }
      assertThat(items).as(file).isNotEmpty();
      return items;
    }
  }

  private static <T extends HasMetadata> T one(
      List<HasMetadata> items, Class<T> type, String name) {
    return items.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(i -> i.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /** A Secret's values as the API server stores them: data decoded, overlaid by stringData. */
  private static Map<String, String> values(Secret secret) {
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  private static Map<String, String> encoded(Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, OperatorHarness.base64(v)));
    return data;
  }

  /** An s3proxy with one identity, holding what the seed Job's script puts into MinIO. */
  private static S3ProxyServer seeded(
      String accessKey, String secretKey, String script, Map<String, String> samples) {
    S3ProxyServer store = S3ProxyServer.start(accessKey, secretKey);
    Matcher buckets = MAKE_BUCKET.matcher(script);
    int made = 0;
    while (buckets.find()) {
      store.createBucket(buckets.group(1));
      made++;
    }
    assertThat(made).as("buckets the seed Job makes").isEqualTo(2);
    Matcher copies = COPY.matcher(script);
    int copied = 0;
    while (copies.find()) {
      String body = samples.get(copies.group(1));
      assertThat(body).as("sample " + copies.group(1)).isNotNull();
      store.putObject(
          copies.group(2),
          copies.group(3),
          body.getBytes(StandardCharsets.UTF_8),
          "application/octet-stream",
          Map.of());
      copied++;
    }
    assertThat(copied).as("objects the seed Job copies").isEqualTo(2);
    return store;
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    return Fleets.HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
