package io.yatagarasu.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.operator.distribute.PodAnswer;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.proxy.ProxyServer;
import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's Grafana dashboard cannot drift from the metrics: every metric name in its PromQL is
 * one a running proxy's {@code /metrics} exports (a real proxy in front of s3proxy, after requests
 * that succeed, miss, fail over from a dead endpoint, retry against one and hit a rate limit, with
 * the object cache on so that its lookups, hits, bytes served and a failed fill are counted) or the
 * operator's registry does.
 */
class DashboardIT {
  static final Path DASHBOARD =
      Path.of(System.getProperty("yatagarasu.repoRoot", ".."))
          .resolve("charts/yatagarasu/dashboards/yatagarasu.json");
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private static S3ProxyServer store;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("dash-key", "dash-secret-0123456789");
    store.createBucket("files");
    store.putObject("files", "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    String s3 =
        "bucket: files, region: us-east-1, endpoint: \"%s\", credentials: { accessKeyId: dash-key,"
            + " secretAccessKey: dash-secret-0123456789 }";
    String live = s3.formatted(store.endpoint());
    String dead = s3.formatted("http://127.0.0.1:" + FreePorts.find());
    proxy =
        ProxyServer.start(
            new ConfigParser(Environment.of(Map.of()))
                .parseYaml(
                    "server: { listen: 127.0.0.1:0 }\n"
                        + "admin: { listen: 127.0.0.1:0 }\n"
                        + "cache: { enabled: true }\n"
                        + "buckets:\n"
                        + "  - name: files\n"
                        + "    pathPrefix: /files\n"
                        + "    s3: { "
                        + live
                        + " }\n"
                        + "    auth: { type: public }\n"
                        + "    cache: { ttl: 1h }\n"
                        + "  - name: limited\n"
                        + "    pathPrefix: /limited\n"
                        + "    s3: { "
                        + live
                        + " }\n"
                        + "    auth: { type: public }\n"
                        + "    rateLimit: { requestsPerSecond: 0.001, burst: 1 }\n"
                        + "  - name: flaky\n"
                        + "    pathPrefix: /flaky\n"
                        + "    s3: { "
                        + dead
                        + ", replicas: [ { "
                        + live
                        + " } ] }\n"
                        + "    auth: { type: public }\n"
                        + "  - name: down\n"
                        + "    pathPrefix: /down\n"
                        + "    s3: { "
                        + dead
                        + " }\n"
                        + "    auth: { type: public }\n"));
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** Every metric name the dashboard's queries and variables read. */
  static Set<String> dashboardMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> expressions.add(e.asText()));
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        Matcher m =
            Pattern.compile("label_values\\((.*),\\s*\\w+\\)")
                .matcher(variable.path("query").path("query").asText());
        assertThat(m.matches()).as(variable.toString()).isTrue();
        expressions.add(m.group(1));
      }
    }
    assertThat(expressions).hasSizeGreaterThan(20);
    Set<String> names = new TreeSet<>();
    expressions.forEach(e -> names.addAll(metricNames(e)));
    return names;
  }

  /**
   * The metric names of a PromQL expression: identifiers that are neither functions (followed by a
   * parenthesis), keywords, label names (in matchers and grouping clauses) nor inside strings or
   * range selectors.
   */
  static Set<String> metricNames(String expression) {
    String rest =
        expression
            .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(rest);
    while (m.find()) {
      String word = m.group();
      boolean call = rest.substring(m.end()).stripLeading().startsWith("(");
      boolean number = m.start() > 0 && Character.isDigit(rest.charAt(m.start() - 1));
      if (!call && !number && !PROMQL_WORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  private static Set<String> exported(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  private static int get(HttpClient http, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.dataAddress().getPort() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String cacheHeader(HttpClient http, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.dataAddress().getPort() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .headers()
        .firstValue("X-Cache")
        .orElse("");
  }

  private static String proxyMetrics(HttpClient http) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The operator's meters, each used once, as its /metrics would show them. */
  private static String operatorMetrics() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    metrics.leader(() -> true);
    metrics.reconciled("S3ProxyConfig", true);
    metrics.snapshotChanged();
    metrics.timeRender(() -> 1);
    for (PodAnswer.Result result : PodAnswer.Result.values()) {
      metrics.pushed(result, 1_000_000);
    }
    metrics.programmed(1_000_000);
    metrics.versionSkew("S3ProxyConfig", Stream::empty);
    return registry.scrape();
  }

  @Test
  void everyMetricTheDashboardReadsIsExported() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    assertThat(get(http, "/files/a.txt")).isEqualTo(200);
    // The second read of the object is answered from the cache.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "HIT".equals(cacheHeader(http, "/files/a.txt")));
    assertThat(get(http, "/files/missing.txt")).isEqualTo(404);
    assertThat(get(http, "/nowhere/a.txt")).isEqualTo(404);
    assertThat(get(http, "/flaky/a.txt")).isEqualTo(200);
    // flaky and down share their primary target, so a.txt is cached for both: ask for another
    // key, whose shared fetch fails.
    assertThat(get(http, "/down/b.txt")).isBetween(500, 599);
    assertThat(get(http, "/limited/a.txt")).isEqualTo(200);
    assertThat(get(http, "/limited/a.txt")).isEqualTo(429);
    Set<String> wanted = dashboardMetrics();
    Set<String> operator = exported(operatorMetrics());
    // GC pauses are reported once a collection has happened.
    System.gc();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Set<String> available = new TreeSet<>(exported(proxyMetrics(http)));
              available.addAll(operator);
              assertThat(wanted).isSubsetOf(available);
            });
  }

  @Test
  void theExtractorFindsMetricsAndSkipsFunctionsLabelsAndRanges() {
    assertThat(
            metricNames(
                "histogram_quantile(0.99, sum by (bucket, le) (rate(yatagarasu_requests_seconds_bucket"
                    + "{namespace=~\"$namespace\", status=\"5xx\"}[$__rate_interval])))"
                    + " / max(jvm_memory_max_bytes) > bool 2e3"))
        .containsExactlyInAnyOrder("yatagarasu_requests_seconds_bucket", "jvm_memory_max_bytes");
  }
}
