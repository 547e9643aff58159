package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.cache.CacheKey;
import io.yatagarasu.proxy.cache.CachedObject;
import io.yatagarasu.proxy.cache.Freshness;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /admin/cache} and {@code POST /admin/cache/purge} over real sockets. */
class CacheAdminIT {
  private static final String TOKEN = "cache-admin-token-abcdefghijkl";
  private static final String SECRET = "cache-admin-secret-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("cache-admin-key", SECRET);
    store.createBucket("assets");
    store.createBucket("media");
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    String yaml =
        "server: { listen: 127.0.0.1:0 }\n"
            + "admin: { listen: 127.0.0.1:0, tokenFile: \""
            + tokenFile
            + "\" }\n"
            + "cache: { enabled: true, maxSize: 16MiB }\n"
            + "buckets:\n"
            + bucket("assets")
            + bucket("media");
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static String bucket(String name) {
    return "  - name: "
        + name
        + "\n    pathPrefix: /"
        + name
        + "\n    s3: { bucket: "
        + name
        + ", region: us-east-1, endpoint: \""
        + store.endpoint()
        + "\", credentials: { accessKeyId: cache-admin-key, secretAccessKey: "
        + SECRET
        + " } }\n    auth: { type: public }\n";
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

  @BeforeEach
  void empty() {
    proxy.cache().purge(null, java.util.List.of(), java.util.List.of(), true);
  }

  private static void seed(String bucket, String key, int size) {
    ObjectCache cache = proxy.cache();
    String target = ObjectCache.bucketTargets(proxy.snapshot().config()).get(bucket);
    var body = PooledByteBufAllocator.DEFAULT.directBuffer(size, size);
    body.writeZero(size);
    long now = cache.now();
    cache.put(
        new CacheKey(target, key),
        new CachedObject(
            200,
            new DefaultHttpHeaders(),
            body,
            Freshness.of(new DefaultHttpHeaders(), now, now, 60_000)),
        bucket);
  }

  private static HttpResponse<String> purge(String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(admin + "/admin/cache/purge"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> describe(String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + "/admin/cache"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void bothNeedTheAdminToken() throws Exception {
    assertThat(describe(null).statusCode()).isEqualTo(401);
    assertThat(describe("wrong-token-wrong-token").statusCode()).isEqualTo(401);
    assertThat(purge("{\"all\":true}", null).statusCode()).isEqualTo(401);
    assertThat(purge("{\"all\":true}", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
  }

  @Test
  void describesEntriesBytesAndBucketsOfTheCache() throws Exception {
    seed("assets", "a.png", 1000);
    seed("assets", "b.png", 2000);
    seed("media", "v.mp4", 4000);
    HttpResponse<String> r = describe(TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = json(r);
    assertThat(body.get("enabled").asBoolean()).isTrue();
    assertThat(body.get("maxSize").asLong()).isEqualTo(16L << 20);
    assertThat(body.get("entries").asLong()).isEqualTo(3);
    assertThat(body.get("bytes").asLong()).isGreaterThanOrEqualTo(7000);
    assertThat(body.get("hitRatio").isNumber()).isTrue();
    assertThat(body.at("/buckets/assets/entries").asLong()).isEqualTo(2);
    assertThat(body.at("/buckets/assets/bytes").asLong()).isGreaterThanOrEqualTo(3000);
    assertThat(body.at("/buckets/media/entries").asLong()).isEqualTo(1);
    assertThat(body.at("/buckets/media/hits").isNumber()).isTrue();
    assertThat(body.at("/buckets/media/misses").isNumber()).isTrue();
  }

  @Test
  void purgesByKeyAndByPrefixAndIsIdempotent() throws Exception {
    seed("assets", "img/a.png", 10);
    seed("assets", "img/b.png", 10);
    seed("assets", "index.html", 10);
    seed("media", "img/a.png", 10);
    HttpResponse<String> byKey = purge("{\"bucket\":\"assets\",\"keys\":[\"index.html\"]}", TOKEN);
    assertThat(byKey.statusCode()).isEqualTo(200);
    assertThat(json(byKey).get("status").asText()).isEqualTo("purged");
    assertThat(json(byKey).get("purged").asInt()).isEqualTo(1);
    assertThat(
            json(purge("{\"bucket\":\"assets\",\"keys\":[\"index.html\"]}", TOKEN))
                .get("purged")
                .asInt())
        .isZero();
    assertThat(
            json(purge("{\"bucket\":\"assets\",\"prefixes\":[\"img/\"]}", TOKEN))
                .get("purged")
                .asInt())
        .isEqualTo(2);
    assertThat(proxy.cache().entries()).isEqualTo(1);
  }

  @Test
  void purgesWithoutABucketInEveryBucket() throws Exception {
    seed("assets", "img/a.png", 10);
    seed("media", "img/a.png", 10);
    seed("media", "keep.txt", 10);
    assertThat(json(purge("{\"keys\":[\"img/a.png\"]}", TOKEN)).get("purged").asInt()).isEqualTo(2);
    assertThat(json(purge("{\"all\":true}", TOKEN)).get("purged").asInt()).isEqualTo(1);
  }

  @Test
  void purgesEveryEntryOfOneBucket() throws Exception {
    seed("assets", "a", 10);
    seed("assets", "b", 10);
    seed("media", "c", 10);
    assertThat(json(purge("{\"bucket\":\"assets\",\"all\":true}", TOKEN)).get("purged").asInt())
        .isEqualTo(2);
    assertThat(proxy.cache().entries()).isEqualTo(1);
  }

  @Test
  void anUnknownBucketIs404() throws Exception {
    HttpResponse<String> r = purge("{\"bucket\":\"nope\",\"all\":true}", TOKEN);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("status").asText()).isEqualTo("unknown-bucket");
    assertThat(json(r).get("bucket").asText()).isEqualTo("nope");
  }

  @Test
  void aMalformedPurgeIs400NamingTheField() throws Exception {
    HttpResponse<String> r = purge("{\"bucket\":\"assets\",\"keys\":[1]}", TOKEN);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).get("status").asText()).isEqualTo("rejected");
    assertThat(json(r).get("errors").get(0).asText()).startsWith("keys[0]: ");
    HttpResponse<String> unknown = purge("{\"all\":true,\"bucket\":\"assets\",\"x\":1}", TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).get("errors").get(0).asText()).startsWith("x: unknown field");
    HttpResponse<String> both = purge("{\"all\":true,\"keys\":[\"a\"]}", TOKEN);
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(purge("{}", TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void otherMethodsAndBodyTypesAreRefused() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + "/admin/cache/purge"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    HttpResponse<String> text =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + "/admin/cache/purge"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    HttpResponse<String> delete =
        http.send(
            HttpRequest.newBuilder(URI.create(admin + "/admin/cache"))
                .header("Authorization", "Bearer " + TOKEN)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(405);
  }
}
