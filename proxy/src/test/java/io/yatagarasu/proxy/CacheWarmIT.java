package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
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
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache warming end to end: a real proxy in front of a real s3proxy, with every S3 request counted
 * on the wire between them ({@link FaultProxy} passing everything through). The first test sees the
 * warm of the configuration the proxy started with, so the order is fixed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheWarmIT {
  private static final String KEY = "warm-key";
  private static final String SECRET = "warm-secret-0123456789abcdef";
  private static final String TOKEN = "warm-admin-token-abcdefghijkl";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static FaultProxy wire;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start(KEY, SECRET);
    store.createBucket("files");
    for (String k : new String[] {"a.txt", "b.txt", "c.txt", "d.txt"}) {
      put(k, "content of " + k);
    }
    store.putGeneratedObject("files", "big.bin", 4096);
    store.putObject(
        "files",
        "private.txt",
        "not for sharing".getBytes(StandardCharsets.UTF_8),
        r -> r.cacheControl("no-store"));
    wire = new FaultProxy(store.port());
    Files.writeString(dir.resolve("token"), TOKEN + "\n");
    proxy = ProxyServer.start(config("[a.txt, b.txt, big.bin, private.txt, missing.txt]"));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (wire != null) {
      wire.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private static void put(String key, String body) {
    store.putObject("files", key, body.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
  }

  private static ProxyConfig config(String warm) throws Exception {
    String target =
        "    s3: { bucket: files, region: us-east-1, endpoint: \"http://127.0.0.1:"
            + wire.port()
            + "\", credentials: { accessKeyId: "
            + KEY
            + ", secretAccessKey: "
            + SECRET
            + " } }\n    auth: { type: public }\n";
    String yaml =
        "server: { listen: 127.0.0.1:0 }\n"
            + "admin: { listen: 127.0.0.1:0, tokenFile: \""
            + dir.resolve("token")
            + "\" }\n"
            + "upstream: { retry: { maxAttempts: 1 } }\n"
            + "cache: { enabled: true, maxSize: 4MiB }\n"
            + "buckets:\n"
            + "  - name: w\n    pathPrefix: /w\n"
            + target
            + "    cache: { ttl: 1h, maxObjectSize: 1KiB, warm: "
            + warm
            + " }\n"
            + "  - name: nocache\n    pathPrefix: /nocache\n"
            + target
            + "    cache: { enabled: false }\n";
    return new ConfigParser(Environment.of(Map.of())).parseYaml(yaml);
  }

  /** GET requests S3 received for {@code key}. */
  private static int s3Gets(String key) {
    Matcher m =
        Pattern.compile("(?m)^GET /files/" + Pattern.quote(key) + " HTTP/1\\.1$")
            .matcher(wire.sent());
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** {@code yatagarasu_cache_warm_total} of bucket {@code w} for {@code result}, from /metrics. */
  private static long warmed(String result) throws Exception {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile(
                "(?m)^yatagarasu_cache_warm_total\\{bucket=\"w\",result=\""
                    + result
                    + "\"\\} ([0-9.]+)$")
            .matcher(text);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> warm(String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(admin + "/admin/cache/warm"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode describe() throws Exception {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create(admin + "/admin/cache"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  @Order(1)
  void listedKeysAreCachedAtStartBeforeAnyClientAsks() throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> warmed("filled") + warmed("skipped") + warmed("failed") + warmed("fresh") == 5);
    assertThat(warmed("filled")).isEqualTo(2);
    assertThat(warmed("skipped"))
        .as("big.bin above maxObjectSize, private.txt no-store")
        .isEqualTo(2);
    assertThat(warmed("failed")).as("missing.txt").isEqualTo(1);
    assertThat(s3Gets("a.txt")).isEqualTo(1);
    assertThat(s3Gets("b.txt")).isEqualTo(1);
    JsonNode cache = describe();
    assertThat(cache.at("/buckets/w/entries").asLong()).isEqualTo(2);
    assertThat(cache.at("/warm/queued").asInt()).isZero();
    assertThat(cache.at("/warm/fetching").asInt()).isZero();

    HttpResponse<String> first = get("/w/a.txt");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("content of a.txt");
    assertThat(first.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(s3Gets("a.txt")).as("the warm's GET only").isEqualTo(1);
    // What was skipped or failed is served as before.
    assertThat(get("/w/big.bin").headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(get("/w/private.txt").body()).isEqualTo("not for sharing");
    assertThat(get("/w/missing.txt").statusCode()).isEqualTo(404);
    assertThat(get("/w/b.txt").headers().firstValue("x-cache")).hasValue("HIT");
  }

  @Test
  @Order(2)
  void aSwapWarmsOnlyTheKeysNotFreshAlready() throws Exception {
    long filled = warmed("filled");
    long fresh = warmed("fresh");
    var applied =
        proxy
            .snapshots()
            .apply(
                new ConfigDocument(config("[a.txt, b.txt, c.txt]"), OptionalLong.empty()),
                OptionalLong.empty(),
                "admin");
    assertThat(applied.status()).isEqualTo(SnapshotManager.Status.APPLIED);
    await().atMost(Duration.ofSeconds(30)).until(() -> warmed("filled") == filled + 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> warmed("fresh") == fresh + 2);
    assertThat(s3Gets("a.txt")).isEqualTo(1);
    assertThat(s3Gets("b.txt")).isEqualTo(1);
    assertThat(s3Gets("c.txt")).isEqualTo(1);
    assertThat(get("/w/c.txt").headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(s3Gets("c.txt")).isEqualTo(1);
  }

  @Test
  @Order(3)
  void theAdminWarmAnswersWhatBecameOfEachKey() throws Exception {
    HttpResponse<String> r =
        warm("{\"bucket\":\"w\",\"keys\":[\"a.txt\",\"d.txt\",\"big.bin\",\"nope.txt\"]}", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("warmed");
    assertThat(body.get("filled").asInt()).isEqualTo(1);
    assertThat(body.get("fresh").asInt()).isEqualTo(1);
    assertThat(body.get("skipped").asInt()).isEqualTo(1);
    assertThat(body.get("failed").asInt()).isEqualTo(1);
    assertThat(s3Gets("d.txt")).isEqualTo(1);
    assertThat(get("/w/d.txt").headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(s3Gets("d.txt")).isEqualTo(1);
  }

  @Test
  @Order(4)
  void theAdminWarmRefusesBadRequestsNamingTheField() throws Exception {
    assertThat(warm("{\"bucket\":\"w\",\"keys\":[\"a.txt\"]}", null).statusCode()).isEqualTo(401);
    HttpResponse<String> bad =
        warm("{\"bucket\":\"w\",\"keys\":[\"ok\",\"../x\",\"\",7],\"extra\":1}", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("errors").toString())
        .contains("extra: unknown field")
        .contains("keys[1]: \\\"../x\\\" has a '..' segment")
        .contains("keys[2]: must not be empty")
        .contains("keys[3]: must be a string");
    HttpResponse<String> noKeys = warm("{\"bucket\":\"w\"}", TOKEN);
    assertThat(noKeys.statusCode()).isEqualTo(400);
    assertThat(noKeys.body()).contains("keys: is required");
    assertThat(warm("not json", TOKEN).statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = warm("{\"bucket\":\"nope\",\"keys\":[\"a\"]}", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("status").asText()).isEqualTo("unknown-bucket");
    HttpResponse<String> uncached = warm("{\"bucket\":\"nocache\",\"keys\":[\"a.txt\"]}", TOKEN);
    assertThat(uncached.statusCode()).isEqualTo(409);
    assertThat(uncached.body()).contains("bucket: bucket nocache does not cache");
    assertThat(s3Gets("nope.txt")).isEqualTo(1);
  }
}
