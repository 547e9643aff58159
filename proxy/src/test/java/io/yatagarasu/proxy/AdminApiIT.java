package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over real sockets: the admin API's answers, its token, and the metrics. */
class AdminApiIT {
  private static final String TOKEN = "admin-token-abcdefghijklmnop";
  private static final String SECRET = "admin-it-secret-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String admin;
  private static String base;
  private static Path tokenFile;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("admin-key", SECRET);
    store.createBucket("files");
    store.putObject("files", "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    proxy = ProxyServer.start(config("/files"));
    admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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

  private static String yaml(String prefix) {
    return "server: { listen: 127.0.0.1:0 }\n"
        + "admin: { listen: 127.0.0.1:0, tokenFile: \""
        + tokenFile
        + "\", maxBodyBytes: 65536 }\n"
        + "buckets:\n"
        + "  - name: files\n"
        + "    pathPrefix: "
        + prefix
        + "\n    s3: { bucket: files, region: us-east-1, endpoint: \""
        + store.endpoint()
        + "\", credentials: { accessKeyId: admin-key, secretAccessKey: "
        + SECRET
        + " } }\n"
        + "    auth: { type: public }\n";
  }

  private static ProxyConfig config(String prefix) throws Exception {
    return new ConfigParser(Environment.of(Map.of())).parseYaml(yaml(prefix));
  }

  private static HttpResponse<String> put(String body, String token, String generation)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(admin + "/admin/config"))
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (generation != null) {
      request.header("X-Config-Generation", generation);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long currentGeneration() {
    return proxy.snapshot().generation();
  }

  @Test
  void appliesANewerConfigurationAndThenReportsItUnchanged() throws Exception {
    String json = ConfigWriter.toJson(config("/renamed"));
    long next = currentGeneration() + 1;
    HttpResponse<String> applied = put(json, TOKEN, String.valueOf(next));
    assertThat(applied.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(applied.body());
    assertThat(body.get("status").asText()).isEqualTo("applied");
    assertThat(body.get("generation").asLong()).isEqualTo(next);
    assertThat(body.get("hash").asText()).isEqualTo(ConfigWriter.contentHash(config("/renamed")));
    assertThat(get(base + "/renamed/a.txt", null).body()).isEqualTo("a");
    assertThat(get(base + "/files/a.txt", null).statusCode()).isEqualTo(404);

    HttpResponse<String> again = put(json, TOKEN, String.valueOf(next));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(again.body()).get("status").asText()).isEqualTo("unchanged");

    // Put the original prefix back for the other tests.
    assertThat(
            put(ConfigWriter.toJson(config("/files")), TOKEN, String.valueOf(next + 1))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void refusesAnOlderGenerationWith409() throws Exception {
    long current = currentGeneration();
    HttpResponse<String> stale =
        put(ConfigWriter.toJson(config("/older")), TOKEN, String.valueOf(Math.max(1, current - 1)));
    assertThat(stale.statusCode()).isEqualTo(409);
    JsonNode body = JSON.readTree(stale.body());
    assertThat(body.get("status").asText()).isEqualTo("stale");
    assertThat(body.get("generation").asLong()).isEqualTo(current);
    assertThat(get(base + "/files/a.txt", null).statusCode()).isEqualTo(200);
  }

  @Test
  void rejectsAnInvalidDocumentWith422AndEveryError() throws Exception {
    String invalid =
        "{\"buckets\":[{\"name\":\"Bad Name\",\"pathPrefix\":\"/x\",\"s3\":{\"bucket\":\"b\","
            + "\"region\":\"\"},\"auth\":{\"type\":\"public\"}}],\"surprise\":1}";
    HttpResponse<String> rejected = put(invalid, TOKEN, String.valueOf(currentGeneration() + 1));
    assertThat(rejected.statusCode()).isEqualTo(422);
    JsonNode body = JSON.readTree(rejected.body());
    assertThat(body.get("status").asText()).isEqualTo("rejected");
    List<String> errors = JSON.convertValue(body.get("errors"), List.class);
    assertThat(errors)
        .anyMatch(e -> e.startsWith("buckets[0].name:"))
        .anyMatch(e -> e.startsWith("buckets[0].s3.bucket:"))
        .anyMatch(e -> e.equals("buckets[0].s3.region: must not be empty"))
        .anyMatch(e -> e.startsWith("surprise: unknown key"));
    assertThat(get(base + "/files/a.txt", null).statusCode()).isEqualTo(200);

    HttpResponse<String> notJson = put("{ this is not json", TOKEN, null);
    assertThat(notJson.statusCode()).isEqualTo(422);
  }

  @Test
  void rejectsAChangeOfListenerWith422() throws Exception {
    String moved =
        ConfigWriter.toJson(
            new ConfigParser(Environment.of(Map.of()))
                .parseYaml(
                    yaml("/files")
                        .replace(
                            "server: { listen: 127.0.0.1:0 }", "server: { listen: 127.0.0.1:1 }")));
    HttpResponse<String> rejected = put(moved, TOKEN, String.valueOf(currentGeneration() + 1));
    assertThat(rejected.statusCode()).isEqualTo(422);
    assertThat(rejected.body()).contains("server.listen: cannot change while the proxy runs");
  }

  @Test
  void badGenerationHeaderGets400() throws Exception {
    HttpResponse<String> r = put(ConfigWriter.toJson(config("/files")), TOKEN, "seven");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("X-Config-Generation");
  }

  @Test
  void adminApiNeedsTheToken() throws Exception {
    HttpResponse<String> none = put("{}", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate"))
        .hasValue("Bearer realm=\"yatagarasu-admin\"");
    assertThat(put("{}", "wrong-token", null).statusCode()).isEqualTo(401);
    assertThat(get(admin + "/admin/config", TOKEN + "x").statusCode()).isEqualTo(401);
    assertThat(get(admin + "/admin/config", null).statusCode()).isEqualTo(401);
  }

  @Test
  void describesTheConfigurationWithoutSecrets() throws Exception {
    HttpResponse<String> r = get(admin + "/admin/config", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("generation").asLong()).isEqualTo(currentGeneration());
    assertThat(body.get("hash").asText()).isEqualTo(proxy.snapshot().hash());
    assertThat(body.get("appliedAt").asText()).isNotEmpty();
    assertThat(body.get("buckets").get(0).get("name").asText()).isEqualTo("files");
    assertThat(body.get("buckets").get(0).get("pathPrefix").asText()).isEqualTo("/files");
    assertThat(r.body()).doesNotContain(SECRET).doesNotContain("admin-key").doesNotContain(TOKEN);
  }

  @Test
  void oversizedBodyGets413() throws Exception {
    HttpResponse<String> r = put("{\"x\":\"" + "a".repeat(70_000) + "\"}", TOKEN, null);
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void tokenRotatesByRewritingTheFile() throws Exception {
    String rotated = "rotated-token-zyxwvutsrqponm";
    Path next = dir.resolve("token.next");
    Files.writeString(next, rotated);
    Files.move(
        next, tokenFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> get(admin + "/admin/config", rotated).statusCode() == 200);
      assertThat(get(admin + "/admin/config", TOKEN).statusCode()).isEqualTo(401);
    } finally {
      Files.writeString(tokenFile, TOKEN);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> get(admin + "/admin/config", TOKEN).statusCode() == 200);
    }
  }

  @Test
  void unknownAdminPathsGet404AndHealthAnswers() throws Exception {
    assertThat(get(admin + "/admin/nothing", TOKEN).statusCode()).isEqualTo(404);
    assertThat(get(admin + "/nothing", null).statusCode()).isEqualTo(404);
    assertThat(get(admin + "/health", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(admin + "/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"generation\":");
  }

  @Test
  void tlsReportSaysDisabledWithoutATlsListenerAndNoExpiryIsExported() throws Exception {
    HttpResponse<String> tls = get(admin + "/admin/tls", TOKEN);
    assertThat(tls.statusCode()).isEqualTo(200);
    assertThat(tls.body()).isEqualTo("{\"enabled\":false}");
    assertThat(get(admin + "/admin/tls", null).statusCode()).isEqualTo(401);
    // An expiry of 0 would look like an expired certificate to every alert.
    assertThat(get(admin + "/metrics", null).body())
        .doesNotContain("yatagarasu_tls_certificate_expiry_timestamp_seconds");
  }

  @Test
  void metricsDescribeTrafficWithBoundedTags() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(get(base + "/files/a.txt", null).statusCode()).isEqualTo(200);
    }
    get(base + "/files/missing.txt", null);
    get(base + "/unknown/path/" + System.nanoTime(), null);
    HttpResponse<String> scrape = get(admin + "/metrics", null);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("content-type"))
        .get()
        .asString()
        .startsWith("text/plain");
    String text = scrape.body();
    assertThat(text)
        .contains(
            "yatagarasu_requests_seconds_count{bucket=\"files\",method=\"GET\",status=\"2xx\"}")
        .contains(
            "yatagarasu_requests_seconds_count{bucket=\"files\",method=\"GET\",status=\"4xx\"}")
        .contains(
            "yatagarasu_requests_seconds_count{bucket=\"none\",method=\"GET\",status=\"4xx\"}")
        .contains(
            "yatagarasu_requests_seconds_bucket{bucket=\"files\",method=\"GET\",status=\"2xx\",le=\"0.005\"}")
        .contains("yatagarasu_requests_in_flight")
        .contains("yatagarasu_response_bytes_total{bucket=\"files\"}")
        .contains("yatagarasu_upstream_latency_seconds_count{bucket=\"files\"}")
        .contains("yatagarasu_upstream_connections")
        .contains("yatagarasu_config_generation")
        .contains("yatagarasu_config_info{hash=")
        .contains("yatagarasu_config_last_applied_timestamp_seconds")
        .contains("jvm_memory_used_bytes")
        .contains("process_cpu_usage")
        .contains("netty_allocator_memory_used")
        .doesNotContain("/unknown/path")
        .doesNotContain(SECRET);
  }

  @Test
  void metricsPassPromtool() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    // .ci/run installs Debian's prometheus package, so CI always runs this check.
    if (System.getenv("CI") == null) {
      assumeThat(Files.isExecutable(promtool)).as("promtool installed").isTrue();
    }
    get(base + "/files/a.txt", null);
    Path scraped = dir.resolve("metrics.txt");
    Files.writeString(scraped, get(admin + "/metrics", null).body());
    Process check =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(scraped.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // 0: clean; 3: lint findings only. 1 would be a parse error.
    assertThat(check.exitValue()).as(output).isIn(0, 3);
    assertThat(output).doesNotContain("error while linting");
  }
}
