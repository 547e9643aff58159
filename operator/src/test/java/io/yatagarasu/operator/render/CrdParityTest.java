package io.yatagarasu.operator.render;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.ProxyConfig;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The drift guard between the proxy's configuration contract and the CRDs. Every key of the
 * contract (walked from the records in {@code config/}) has a CRD path that the renderer fills, or
 * a place in {@link #NOT_IN_CRDS} with the reason; every field of the CRDs is rendered into the
 * contract or listed in {@link #KUBERNETES_FIELDS}; and docs/crd-reference.md lists every field.
 *
 * <p>A CRD path is {@code Kind:spec.dotted.path}, with {@code []} for the items of a list; a path
 * covers the fields below it.
 */
class CrdParityTest {
  private static final String CONFIG = "S3ProxyConfig:";
  private static final String BUCKET = "S3ProxyBucket:";

  /** Contract key to the CRD path it is rendered from. */
  static final Map<String, String> CRD_PATHS =
      Map.ofEntries(
          entry("server.listen", CONFIG + "spec.server.port"),
          entry("server.maxRequestHeaderBytes", CONFIG + "spec.server.maxRequestHeaderBytes"),
          entry("server.maxUriBytes", CONFIG + "spec.server.maxUriBytes"),
          entry("server.idleTimeout", CONFIG + "spec.server.idleTimeout"),
          entry("server.transport", CONFIG + "spec.server.transport"),
          entry("server.trustedProxies", CONFIG + "spec.server.trustedProxies"),
          entry("server.requestHeaderTimeout", CONFIG + "spec.server.requestHeaderTimeout"),
          entry("server.maxConcurrentRequests", CONFIG + "spec.server.maxConcurrentRequests"),
          entry("server.drainDelay", CONFIG + "spec.server.drainDelay"),
          entry("server.shutdownGracePeriod", CONFIG + "spec.server.shutdownGracePeriod"),
          entry("server.tls.certificateFile", CONFIG + "spec.server.tls.secretName"),
          entry("server.tls.privateKeyFile", CONFIG + "spec.server.tls.secretName"),
          entry("server.tls.http2", CONFIG + "spec.server.tls.http2"),
          entry("server.tls.provider", CONFIG + "spec.server.tls.provider"),
          entry("admin.listen", CONFIG + "spec.server.adminPort"),
          entry("upstream.connectTimeout", CONFIG + "spec.upstream.connectTimeout"),
          entry("upstream.responseTimeout", CONFIG + "spec.upstream.responseTimeout"),
          entry(
              "upstream.maxConnectionsPerEndpoint",
              CONFIG + "spec.upstream.maxConnectionsPerEndpoint"),
          entry("upstream.bodyIdleTimeout", CONFIG + "spec.upstream.bodyIdleTimeout"),
          entry("upstream.idleConnectionTimeout", CONFIG + "spec.upstream.idleConnectionTimeout"),
          entry("upstream.retry.maxAttempts", CONFIG + "spec.upstream.retry.maxAttempts"),
          entry("upstream.retry.baseDelay", CONFIG + "spec.upstream.retry.baseDelay"),
          entry("upstream.retry.maxDelay", CONFIG + "spec.upstream.retry.maxDelay"),
          entry("upstream.retry.budgetPercent", CONFIG + "spec.upstream.retry.budgetPercent"),
          entry(
              "upstream.circuitBreaker.failureRatePercent",
              CONFIG + "spec.upstream.circuitBreaker.failureRatePercent"),
          entry(
              "upstream.circuitBreaker.minimumRequests",
              CONFIG + "spec.upstream.circuitBreaker.minimumRequests"),
          entry("upstream.circuitBreaker.window", CONFIG + "spec.upstream.circuitBreaker.window"),
          entry(
              "upstream.circuitBreaker.openDuration",
              CONFIG + "spec.upstream.circuitBreaker.openDuration"),
          entry(
              "upstream.circuitBreaker.halfOpenProbes",
              CONFIG + "spec.upstream.circuitBreaker.halfOpenProbes"),
          entry("logging.format", CONFIG + "spec.logging.format"),
          entry("logging.accessLog", CONFIG + "spec.logging.accessLog"),
          entry("jwt.issuers[].name", CONFIG + "spec.jwt.issuers[].name"),
          entry("jwt.issuers[].issuer", CONFIG + "spec.jwt.issuers[].issuer"),
          entry("jwt.issuers[].audiences", CONFIG + "spec.jwt.issuers[].audiences"),
          entry("jwt.issuers[].jwksUrl", CONFIG + "spec.jwt.issuers[].jwksUrl"),
          entry(
              "jwt.issuers[].jwksRefreshInterval",
              CONFIG + "spec.jwt.issuers[].jwksRefreshInterval"),
          entry("jwt.issuers[].keys[].kid", CONFIG + "spec.jwt.issuers[].keys[].kid"),
          entry("jwt.issuers[].keys[].algorithm", CONFIG + "spec.jwt.issuers[].keys[].algorithm"),
          entry(
              "jwt.issuers[].keys[].publicKey", CONFIG + "spec.jwt.issuers[].keys[].secretKeyRef"),
          entry("jwt.issuers[].keys[].secret", CONFIG + "spec.jwt.issuers[].keys[].secretKeyRef"),
          entry("jwt.clockSkew", CONFIG + "spec.jwt.clockSkew"),
          entry("jwt.tokenSources[].kind", CONFIG + "spec.jwt.tokenSources[]"),
          entry("jwt.tokenSources[].name", CONFIG + "spec.jwt.tokenSources[]"),
          entry("jwt.tokenSources[].prefix", CONFIG + "spec.jwt.tokenSources[].prefix"),
          entry(
              "rateLimits.global.requestsPerSecond",
              CONFIG + "spec.rateLimits.global.requestsPerSecond"),
          entry("rateLimits.global.burst", CONFIG + "spec.rateLimits.global.burst"),
          entry(
              "rateLimits.perClientIp.requestsPerSecond",
              CONFIG + "spec.rateLimits.perClientIp.requestsPerSecond"),
          entry("rateLimits.perClientIp.burst", CONFIG + "spec.rateLimits.perClientIp.burst"),
          entry(
              "rateLimits.perSubject.requestsPerSecond",
              CONFIG + "spec.rateLimits.perSubject.requestsPerSecond"),
          entry("rateLimits.perSubject.burst", CONFIG + "spec.rateLimits.perSubject.burst"),
          entry("rateLimits.maxTrackedKeys", CONFIG + "spec.rateLimits.maxTrackedKeys"),
          entry("cache.enabled", CONFIG + "spec.cache.enabled"),
          entry("cache.maxSize", CONFIG + "spec.cache.maxSize"),
          entry("tracing.enabled", CONFIG + "spec.tracing.enabled"),
          entry("tracing.endpoint", CONFIG + "spec.tracing.endpoint"),
          entry("tracing.samplingRatio", CONFIG + "spec.tracing.samplingRatio"),
          entry("tracing.serviceName", CONFIG + "spec.tracing.serviceName"),
          entry("tracing.resourceAttributes", CONFIG + "spec.tracing.resourceAttributes"),
          entry("buckets[].cache.enabled", BUCKET + "spec.cache.enabled"),
          entry("buckets[].cache.ttl", BUCKET + "spec.cache.ttl"),
          entry("buckets[].cache.maxObjectSize", BUCKET + "spec.cache.maxObjectSize"),
          entry("buckets[].cache.staleIfError", BUCKET + "spec.cache.staleIfError"),
          entry("buckets[].cache.notFoundTtl", BUCKET + "spec.cache.notFoundTtl"),
          entry("buckets[].cache.warm", BUCKET + "spec.cache.warm"),
          entry("buckets[].pathPrefix", BUCKET + "spec.pathPrefix"),
          entry("buckets[].s3.bucket", BUCKET + "spec.s3.bucket"),
          entry("buckets[].s3.region", BUCKET + "spec.s3.region"),
          entry("buckets[].s3.endpoint", BUCKET + "spec.s3.endpoint"),
          entry("buckets[].s3.pathStyle", BUCKET + "spec.s3.pathStyle"),
          entry("buckets[].s3.keyPrefix", BUCKET + "spec.s3.keyPrefix"),
          entry("buckets[].s3.credentials.accessKeyId", BUCKET + "spec.credentials"),
          entry("buckets[].s3.credentials.secretAccessKey", BUCKET + "spec.credentials"),
          entry("buckets[].s3.credentials.sessionToken", BUCKET + "spec.credentials"),
          entry("buckets[].s3.replicas[].bucket", BUCKET + "spec.s3.replicas[].bucket"),
          entry("buckets[].s3.replicas[].region", BUCKET + "spec.s3.replicas[].region"),
          entry("buckets[].s3.replicas[].endpoint", BUCKET + "spec.s3.replicas[].endpoint"),
          entry("buckets[].s3.replicas[].pathStyle", BUCKET + "spec.s3.replicas[].pathStyle"),
          entry("buckets[].s3.replicas[].keyPrefix", BUCKET + "spec.s3.replicas[].keyPrefix"),
          entry(
              "buckets[].s3.replicas[].credentials.accessKeyId",
              BUCKET + "spec.s3.replicas[].credentials"),
          entry(
              "buckets[].s3.replicas[].credentials.secretAccessKey",
              BUCKET + "spec.s3.replicas[].credentials"),
          entry(
              "buckets[].s3.replicas[].credentials.sessionToken",
              BUCKET + "spec.s3.replicas[].credentials"),
          entry("buckets[].auth.type", BUCKET + "spec.auth.type"),
          entry("buckets[].auth.issuers", BUCKET + "spec.auth.issuers"),
          entry("buckets[].auth.claims[].claim", BUCKET + "spec.auth.claims[].claim"),
          entry("buckets[].auth.claims[].operator", BUCKET + "spec.auth.claims[].operator"),
          entry("buckets[].auth.claims[].values", BUCKET + "spec.auth.claims[]"),
          entry("buckets[].auth.pathClaim.claim", BUCKET + "spec.auth.pathClaim.claim"),
          entry("buckets[].auth.pathClaim.template", BUCKET + "spec.auth.pathClaim.template"),
          entry("buckets[].ipAllow", BUCKET + "spec.ipAllow"),
          entry("buckets[].ipDeny", BUCKET + "spec.ipDeny"),
          entry("buckets[].cors.allowedOrigins", BUCKET + "spec.cors.allowedOrigins"),
          entry("buckets[].cors.allowedMethods", BUCKET + "spec.cors.allowedMethods"),
          entry("buckets[].cors.allowedHeaders", BUCKET + "spec.cors.allowedHeaders"),
          entry("buckets[].cors.exposedHeaders", BUCKET + "spec.cors.exposedHeaders"),
          entry("buckets[].cors.maxAge", BUCKET + "spec.cors.maxAge"),
          entry("buckets[].cors.allowCredentials", BUCKET + "spec.cors.allowCredentials"),
          entry(
              "buckets[].rateLimit.requestsPerSecond", BUCKET + "spec.rateLimit.requestsPerSecond"),
          entry("buckets[].rateLimit.burst", BUCKET + "spec.rateLimit.burst"),
          entry("buckets[].upstream.connectTimeout", BUCKET + "spec.upstream.connectTimeout"),
          entry("buckets[].upstream.responseTimeout", BUCKET + "spec.upstream.responseTimeout"),
          entry(
              "buckets[].upstream.maxConnectionsPerEndpoint",
              BUCKET + "spec.upstream.maxConnectionsPerEndpoint"),
          entry("buckets[].upstream.bodyIdleTimeout", BUCKET + "spec.upstream.bodyIdleTimeout"),
          entry(
              "buckets[].upstream.idleConnectionTimeout",
              BUCKET + "spec.upstream.idleConnectionTimeout"),
          entry("buckets[].upstream.retry.maxAttempts", BUCKET + "spec.upstream.retry.maxAttempts"),
          entry("buckets[].upstream.retry.baseDelay", BUCKET + "spec.upstream.retry.baseDelay"),
          entry("buckets[].upstream.retry.maxDelay", BUCKET + "spec.upstream.retry.maxDelay"),
          entry(
              "buckets[].upstream.retry.budgetPercent",
              BUCKET + "spec.upstream.retry.budgetPercent"),
          entry(
              "buckets[].upstream.circuitBreaker.failureRatePercent",
              BUCKET + "spec.upstream.circuitBreaker.failureRatePercent"),
          entry(
              "buckets[].upstream.circuitBreaker.minimumRequests",
              BUCKET + "spec.upstream.circuitBreaker.minimumRequests"),
          entry(
              "buckets[].upstream.circuitBreaker.window",
              BUCKET + "spec.upstream.circuitBreaker.window"),
          entry(
              "buckets[].upstream.circuitBreaker.openDuration",
              BUCKET + "spec.upstream.circuitBreaker.openDuration"),
          entry(
              "buckets[].upstream.circuitBreaker.halfOpenProbes",
              BUCKET + "spec.upstream.circuitBreaker.halfOpenProbes"));

  /** Contract keys no CRD field sets, each with the reason. */
  static final Map<String, String> NOT_IN_CRDS =
      Map.of(
          "generation",
          "operator-managed: status.configGeneration, raised when the snapshot's hash changes",
          "admin.tokenFile",
          "operator-managed: the operator generates the admin token Secret and mounts it",
          "admin.maxBodyBytes",
          "operator-managed: only the operator's own pushes reach the admin API; the default"
              + " 16 MiB holds thousands of buckets",
          "buckets[].name",
          "operator-managed: the route name comes from the S3ProxyBucket's namespace and name",
          "buckets[].s3.replicas[].replicas[]",
          "not a setting: the contract refuses replicas of a replica",
          "tracing.protocol",
          "one value today (http/protobuf), which the renderer writes");

  /** CRD fields that shape Kubernetes objects rather than the proxy's document. */
  static final Map<String, String> KUBERNETES_FIELDS =
      Map.ofEntries(
          entry(CONFIG + "spec.replicas", "the Deployment's replicas"),
          entry(CONFIG + "spec.autoscaling", "the HorizontalPodAutoscaler"),
          entry(CONFIG + "spec.image", "the proxy container's image"),
          entry(CONFIG + "spec.resources", "the proxy container's resources"),
          entry(CONFIG + "spec.nodeSelector", "the pod's nodeSelector"),
          entry(CONFIG + "spec.tolerations", "the pod's tolerations"),
          entry(CONFIG + "spec.podLabels", "the pod's labels"),
          entry(CONFIG + "spec.affinity", "the pod's affinity"),
          entry(CONFIG + "spec.topologySpreadConstraints", "the pod's topology spread"),
          entry(CONFIG + "spec.priorityClassName", "the pod's priority class"),
          entry(CONFIG + "spec.imagePullSecrets", "the pod's image pull Secrets"),
          entry(CONFIG + "spec.podAnnotations", "the pod's annotations"),
          entry(CONFIG + "spec.podSecurityContext", "the pod's security context"),
          entry(CONFIG + "spec.securityContext", "the proxy container's security context"),
          entry(CONFIG + "spec.terminationGracePeriodSeconds", "the pod's grace period"),
          entry(CONFIG + "spec.service", "the Service"),
          entry(CONFIG + "spec.bucketNamespaces", "which S3ProxyBuckets the fleet renders"),
          entry(CONFIG + "spec.monitoring", "the ServiceMonitor"),
          entry(CONFIG + "spec.serviceAccount", "the fleet's ServiceAccount"),
          entry(BUCKET + "spec.proxyRef", "which fleet renders the bucket"));

  private static final Path CRDS =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).resolve("crds");
  private static final Path REFERENCE =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).resolve("docs/crd-reference.md");

  @Test
  void everyContractKeyHasACrdPathOrAReason() {
    Set<String> keys = contractKeys();
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      if (!CRD_PATHS.containsKey(key) && !NOT_IN_CRDS.containsKey(key)) {
        missing.add(key);
      }
    }
    assertThat(missing)
        .as("contract keys with neither a CRD path nor a reason in NOT_IN_CRDS")
        .isEmpty();
    assertThat(keys).as("stale entries").containsAll(CRD_PATHS.keySet());
    assertThat(keys).as("stale entries").containsAll(NOT_IN_CRDS.keySet());
    assertThat(CRD_PATHS.keySet()).doesNotContainAnyElementsOf(NOT_IN_CRDS.keySet());
  }

  @Test
  void everyCrdSpecFieldIsRenderedOrShapesAKubernetesObject() throws IOException {
    Set<String> nodes = new TreeSet<>();
    Set<String> leaves = crdLeaves(nodes);
    assertThat(nodes).as("CRD paths named by CRD_PATHS").containsAll(CRD_PATHS.values());
    assertThat(nodes)
        .as("CRD paths named by KUBERNETES_FIELDS")
        .containsAll(KUBERNETES_FIELDS.keySet());
    List<String> unrendered = new ArrayList<>();
    for (String leaf : leaves) {
      boolean covered =
          CRD_PATHS.values().stream().anyMatch(path -> covers(path, leaf))
              || KUBERNETES_FIELDS.keySet().stream().anyMatch(path -> covers(path, leaf));
      if (!covered) {
        unrendered.add(leaf);
      }
    }
    assertThat(unrendered).as("CRD fields the renderer does not read").isEmpty();
  }

  @Test
  void everyMappedCrdPathChangesTheRenderedKey() throws IOException {
    ProxyConfig minimal = render("minimal.yaml");
    ProxyConfig full = render("full.yaml");
    List<String> notRendered = new ArrayList<>();
    for (var mapping : new TreeMap<>(CRD_PATHS).entrySet()) {
      String key = mapping.getKey();
      List<Object> set = values(full, key);
      if (set.isEmpty() || set.equals(values(minimal, key))) {
        notRendered.add(key + " <- " + mapping.getValue() + " (rendered " + set + ")");
      }
      // A bucket's upstream override must differ from the fleet's, not just be present.
      if (key.startsWith("buckets[].upstream.")
          && set.equals(values(full, key.substring("buckets[].".length())))) {
        notRendered.add(key + " equals the fleet's value " + set);
      }
    }
    assertThat(notRendered)
        .as("CRD fields set in parity/full.yaml that do not reach the contract key")
        .isEmpty();
  }

  @Test
  void crdReferenceDocumentsEveryField() throws IOException {
    Set<String> documented = documentedFields();
    Set<String> leaves = crdLeaves(new TreeSet<>());
    List<String> undocumented = new ArrayList<>();
    for (String leaf : leaves) {
      if (documented.stream().noneMatch(key -> covers(key, leaf))) {
        undocumented.add(leaf);
      }
    }
    Set<String> nodes = new TreeSet<>();
    crdLeaves(nodes);
    List<String> unknown = documented.stream().filter(key -> !nodes.contains(key)).toList();
    assertThat(undocumented).as("CRD fields missing from docs/crd-reference.md").isEmpty();
    assertThat(unknown).as("documented fields the CRDs do not have").isEmpty();
  }

  // ---- the contract

  static Set<String> contractKeys() {
    Set<String> keys = new TreeSet<>();
    keys.add("generation");
    walk("", ProxyConfig.class, new ArrayDeque<>(), keys);
    return keys;
  }

  private static void walk(String prefix, Class<?> type, Deque<Class<?>> stack, Set<String> out) {
    stack.push(type);
    for (RecordComponent component : type.getRecordComponents()) {
      String path = prefix.isEmpty() ? component.getName() : prefix + "." + component.getName();
      Class<?> raw = component.getType();
      Type generic = component.getGenericType();
      if (List.class.isAssignableFrom(raw) && generic instanceof ParameterizedType p) {
        Class<?> item = (Class<?>) p.getActualTypeArguments()[0];
        if (expandable(item, stack)) {
          walk(path + "[]", item, stack, out);
        } else {
          out.add(item.isRecord() ? path + "[]" : path);
        }
      } else if (expandable(raw, stack)) {
        walk(path, raw, stack, out);
      } else {
        out.add(path);
      }
    }
    stack.pop();
  }

  // A record type is expanded at most twice on one path (a target and its replicas); the
  // listen address is one value, host:port.
  private static boolean expandable(Class<?> type, Deque<Class<?>> stack) {
    return type.isRecord()
        && type != ListenAddress.class
        && stack.stream().filter(type::equals).count() < 2;
  }

  /** The non-null values at a contract key, across every element of the lists on the way. */
  private static List<Object> values(Object root, String key) {
    List<Object> current = new ArrayList<>(List.of(root));
    for (String segment : key.split("\\.")) {
      boolean list = segment.endsWith("[]");
      String name = list ? segment.substring(0, segment.length() - 2) : segment;
      List<Object> next = new ArrayList<>();
      for (Object value : current) {
        Object child = component(value, name);
        if (child == null) {
          continue;
        }
        if (list) {
          next.addAll((Collection<?>) child);
        } else {
          next.add(child);
        }
      }
      current = next;
    }
    return current;
  }

  private static Object component(Object record, String name) {
    try {
      for (RecordComponent component : record.getClass().getRecordComponents()) {
        if (component.getName().equals(name)) {
          return component.getAccessor().invoke(record);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(record.getClass().getSimpleName() + " has no " + name);
  }

  private static ProxyConfig render(String fixture) throws IOException {
    try (var in = CrdParityTest.class.getResourceAsStream("/parity/" + fixture)) {
      RenderResult result =
          Fixtures.parse(new String(Objects.requireNonNull(in).readAllBytes(), UTF8)).render();
      assertThat(result.fleetProblems()).as(fixture).isEmpty();
      assertThat(result.buckets()).as(fixture).allMatch(BucketOutcome::included);
      return result.config();
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  // ---- the CRDs

  /**
   * Every leaf field under spec of both CRDs; {@code nodes} receives every path, inner ones too.
   */
  private static Set<String> crdLeaves(Set<String> nodes) throws IOException {
    Set<String> leaves = new TreeSet<>();
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String file :
        List.of("s3proxyconfigs.yatagarasu.io.yaml", "s3proxybuckets.yatagarasu.io.yaml")) {
      CustomResourceDefinition crd =
          serialization.unmarshal(
              Files.readString(CRDS.resolve(file)), CustomResourceDefinition.class);
      String kind = crd.getSpec().getNames().getKind();
      JSONSchemaProps spec =
          crd.getSpec()
              .getVersions()
              .get(0)
              .getSchema()
              .getOpenAPIV3Schema()
              .getProperties()
              .get("spec");
      schemaWalk(kind + ":spec", spec, nodes, leaves);
    }
    return leaves;
  }

  private static void schemaWalk(
      String path, JSONSchemaProps schema, Set<String> nodes, Set<String> leaves) {
    nodes.add(path);
    if (schema.getProperties() != null && !schema.getProperties().isEmpty()) {
      schema
          .getProperties()
          .forEach((name, child) -> schemaWalk(path + "." + name, child, nodes, leaves));
    } else if ("array".equals(schema.getType())
        && schema.getItems() != null
        && schema.getItems().getSchema() != null
        && schema.getItems().getSchema().getProperties() != null
        && !schema.getItems().getSchema().getProperties().isEmpty()) {
      schemaWalk(path + "[]", schema.getItems().getSchema(), nodes, leaves);
    } else {
      leaves.add(path);
    }
  }

  private static boolean covers(String key, String path) {
    return path.equals(key) || path.startsWith(key + ".") || path.startsWith(key + "[]");
  }

  // ---- the reference

  private static final Pattern KIND_HEADING = Pattern.compile("^## (S3ProxyConfig|S3ProxyBucket)$");
  private static final Pattern SECTION = Pattern.compile("^### `([A-Za-z.\\[\\]]+)`.*");
  private static final Pattern FIELD = Pattern.compile("`([a-z][A-Za-z0-9.\\[\\]]*)`");

  /**
   * The fields in the reference's field tables (header {@code | field | type | default | meaning
   * |}), as CRD paths; a table under a heading such as {@code ### `monitoring.serviceMonitor`}
   * names fields below it.
   */
  private static Set<String> documentedFields() throws IOException {
    Set<String> fields = new TreeSet<>();
    String kind = null;
    String section = null;
    boolean inFieldTable = false;
    for (String line : Files.readAllLines(REFERENCE, UTF8)) {
      Matcher heading = KIND_HEADING.matcher(line);
      if (heading.matches()) {
        kind = heading.group(1);
        section = null;
        continue;
      }
      if (line.startsWith("## ")) {
        kind = null;
        continue;
      }
      if (line.startsWith("### ")) {
        Matcher named = SECTION.matcher(line);
        section = named.matches() ? named.group(1) : null;
        continue;
      }
      if (!line.startsWith("|")) {
        inFieldTable = false;
        continue;
      }
      if (line.startsWith("| field | type |")) {
        inFieldTable = true;
        continue;
      }
      if (!inFieldTable || kind == null || line.startsWith("|---")) {
        continue;
      }
      String first = line.substring(1, line.indexOf('|', 1));
      Matcher field = FIELD.matcher(first);
      while (field.find()) {
        String name = field.group(1);
        if (section != null && !name.startsWith(section + ".") && !name.startsWith(section + "[")) {
          name = section + "." + name;
        }
        fields.add(kind + ":spec." + name);
      }
    }
    return fields;
  }
}
