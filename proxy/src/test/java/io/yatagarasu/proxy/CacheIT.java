package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The object cache end to end: a real proxy, real s3proxy processes, and the S3 requests counted on
 * the wire in front of S3 ({@link FaultProxy} passing everything through).
 */
class CacheIT {
  private static final String KEY = "cache-key";
  private static final String SECRET = "cache-secret-0123456789abcdef";
  private static final int BIG = 8 << 20;
  // More than three 64 KiB write slices and a remainder.
  private static final int SLICES = 3 * 65536 + 1000;

  private static S3ProxyServer store;
  private static S3ProxyServer spare;
  private static FaultProxy wire;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start(KEY, SECRET);
    spare = S3ProxyServer.start(KEY, SECRET);
    store.createBucket("files");
    spare.createBucket("files");
    store.putGeneratedObject("files", "big.bin", BIG);
    store.putGeneratedObject("files", "slices.bin", SLICES);
    for (String k : List.of("a.txt", "b.txt", "img/1.png", "img/2.png", "head.txt")) {
      put(store, k, "content of " + k);
    }
    put(spare, "moved.txt", "from the spare store");
    wire = new FaultProxy(store.port());
    proxy = ProxyServer.start(config(wire.port(), spare.port(), "20MiB"));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
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
    if (spare != null) {
      spare.close();
    }
  }

  private static void put(S3ProxyServer s, String key, String body) {
    s.putObject("files", key, body.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
  }

  private static String bucket(String name, int port, String cache) {
    return "  - name: "
        + name
        + "\n    pathPrefix: /"
        + name
        + "\n    s3: { bucket: files, region: us-east-1, endpoint: \"http://127.0.0.1:"
        + port
        + "\", credentials: { accessKeyId: "
        + KEY
        + ", secretAccessKey: "
        + SECRET
        + " } }\n    auth: { type: public }\n    cache: "
        + cache
        + "\n";
  }

  private static ProxyConfig config(int wirePort, int sparePort, String maxSize) throws Exception {
    return config(wirePort, sparePort, maxSize, wirePort);
  }

  private static ProxyConfig config(int wirePort, int sparePort, String maxSize, int movingPort)
      throws Exception {
    String yaml =
        "server: { listen: 127.0.0.1:0 }\n"
            + "upstream: { retry: { maxAttempts: 1 } }\n"
            + "cache: { enabled: true, maxSize: "
            + maxSize
            + " }\n"
            + "buckets:\n"
            + bucket("c", wirePort, "{ ttl: 1h }")
            + bucket("stale", sparePort, "{ ttl: 1s, staleIfError: 1h }")
            + bucket("nostale", sparePort, "{ ttl: 1s }")
            + bucket("moving", movingPort, "{ ttl: 1h }")
            + bucket("missing", wirePort, "{ ttl: 1h, notFoundTtl: 1h }")
            + bucket("guarded", wirePort, "{ ttl: 1h }")
            + "    ipDeny: [127.0.0.1]\n";
    return new ConfigParser(Environment.of(Map.of())).parseYaml(yaml);
  }

  /** GET requests S3 received for {@code key} (the wire in front of it records every request). */
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

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[65536];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static String expectedBigDigest() throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(TestContent.bytes(0, BIG));
    return HexFormat.of().formatHex(d.digest());
  }

  @Test
  void aSecondGetIsServedFromMemory() throws Exception {
    HttpResponse<String> first = get("/c/b.txt");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
    HttpResponse<String> second = get("/c/b.txt");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("content of b.txt");
    assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(second.headers().firstValue("age")).isPresent();
    assertThat(second.headers().firstValue("etag")).isEqualTo(first.headers().firstValue("etag"));
    assertThat(second.headers().firstValue("content-type")).hasValue("text/plain");
    assertThat(s3Gets("b.txt")).isEqualTo(1);
  }

  @Test
  void aStoredObjectOfSeveralWriteSlicesIsServedWholeWithOneAgeAndXCache() throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(TestContent.bytes(0, SLICES));
    String expected = HexFormat.of().formatHex(d.digest());
    for (String xCache : List.of("MISS", "HIT", "HIT")) {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/c/slices.bin")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().allValues("x-cache")).containsExactly(xCache);
      assertThat(r.headers().firstValueAsLong("content-length")).hasValue(SLICES);
      if (xCache.equals("HIT")) {
        assertThat(r.headers().allValues("age")).hasSize(1);
      }
      try (InputStream in = r.body()) {
        assertThat(sha256(in)).isEqualTo(expected);
      }
    }
    assertThat(s3Gets("slices.bin")).isEqualTo(1);
  }

  @Test
  void twoHundredConcurrentFirstRequestsMakeOneS3RequestAndGetExactBodies() throws Exception {
    String expected = expectedBigDigest();
    List<CompletableFuture<HttpResponse<InputStream>>> all = new ArrayList<>();
    HttpClient many =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    for (int i = 0; i < 200; i++) {
      all.add(
          many.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/c/big.bin")).build(),
              HttpResponse.BodyHandlers.ofInputStream()));
    }
    List<String> caches = new ArrayList<>();
    for (CompletableFuture<HttpResponse<InputStream>> f : all) {
      HttpResponse<InputStream> r = f.get();
      assertThat(r.statusCode()).isEqualTo(200);
      caches.add(r.headers().firstValue("x-cache").orElse("none"));
      try (InputStream in = r.body()) {
        assertThat(sha256(in)).isEqualTo(expected);
      }
    }
    assertThat(s3Gets("big.bin")).isEqualTo(1);
    assertThat(caches).allMatch(c -> c.equals("MISS") || c.equals("HIT"));
  }

  @Test
  void aSlowReaderDoesNotHoldUpTheOthers() throws Exception {
    String expected = expectedBigDigest();
    proxy.cache().purge("c", List.of("big.bin"), List.of(), false);
    int before = s3Gets("big.bin");
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(
          new java.net.InetSocketAddress(
              InetAddress.getLoopbackAddress(), proxy.dataAddress().getPort()));
      OutputStream out = slow.getOutputStream();
      out.write("GET /c/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // The slow client has joined (or started) the fill; it reads nothing for now.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> proxy.cache().fillsInFlight() > 0 || proxy.cache().entries() > 0);
      List<CompletableFuture<HttpResponse<InputStream>>> fast = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        fast.add(
            http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/c/big.bin")).build(),
                HttpResponse.BodyHandlers.ofInputStream()));
      }
      for (var f : fast) {
        try (InputStream in = f.get().body()) {
          assertThat(sha256(in)).isEqualTo(expected);
        }
      }
      // Every fast client has its whole body while the slow one has not read a byte.
      InputStream in = slow.getInputStream();
      byte[] head = readHead(in);
      assertThat(new String(head, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      long got = 0;
      while (got < BIG) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, BIG - got));
        assertThat(n).isPositive();
        d.update(buf, 0, n);
        got += n;
      }
      assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(expected);
    }
    assertThat(s3Gets("big.bin")).isEqualTo(before + 1);
  }

  private static byte[] readHead(InputStream in) throws Exception {
    java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      assertThat(b).isNotNegative();
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  @Test
  void headRangeAndConditionalsOfAStoredObjectAreAnsweredFromMemory() throws Exception {
    HttpResponse<String> first = get("/c/head.txt");
    String etag = first.headers().firstValue("etag").orElseThrow();
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/c/head.txt"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(head.headers().firstValue("content-length")).hasValue("19");
    assertThat(head.body()).isEmpty();
    HttpResponse<String> range = get("/c/head.txt", "Range", "bytes=0-6");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo("content");
    assertThat(range.headers().firstValue("content-range")).hasValue("bytes 0-6/19");
    assertThat(range.headers().firstValue("x-cache")).hasValue("HIT");
    HttpResponse<String> tooFar = get("/c/head.txt", "Range", "bytes=50-");
    assertThat(tooFar.statusCode()).isEqualTo(416);
    assertThat(tooFar.headers().firstValue("content-range")).hasValue("bytes */19");
    HttpResponse<String> notModified = get("/c/head.txt", "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    HttpResponse<String> failed = get("/c/head.txt", "If-Match", "\"other\"");
    assertThat(failed.statusCode()).isEqualTo(412);
    assertThat(s3Gets("head.txt")).isEqualTo(1);
  }

  @Test
  void aRangeOfAnObjectNotStoredGoesToS3AndStoresNothing() throws Exception {
    put(store, "ranged.txt", "0123456789");
    HttpResponse<String> r = get("/c/ranged.txt", "Range", "bytes=2-4");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo("234");
    assertThat(get("/c/ranged.txt", "Range", "bytes=2-4").statusCode()).isEqualTo(206);
    assertThat(s3Gets("ranged.txt")).isEqualTo(2);
  }

  @Test
  void purgesByKeyAndByPrefix() throws Exception {
    for (String k : List.of("img/1.png", "img/2.png", "a.txt")) {
      get("/c/" + k);
    }
    int img1 = s3Gets("img/1.png");
    int a = s3Gets("a.txt");
    assertThat(proxy.cache().purge("c", List.of("a.txt"), List.of(), false)).isEqualTo(1);
    assertThat(get("/c/a.txt").headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(s3Gets("a.txt")).isEqualTo(a + 1);
    assertThat(get("/c/img/1.png").headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(proxy.cache().purge("c", List.of(), List.of("img/"), false)).isEqualTo(2);
    assertThat(get("/c/img/1.png").headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(s3Gets("img/1.png")).isEqualTo(img1 + 1);
  }

  @Test
  void aStaleEntryAnswersWhileS3IsStoppedWhenTheBucketAllowsIt() throws Exception {
    put(spare, "kept.txt", "kept while S3 is down");
    assertThat(get("/stale/kept.txt").statusCode()).isEqualTo(200);
    assertThat(get("/nostale/kept.txt").statusCode()).isEqualTo(200);
    spare.stop();
    try {
      // Once the 1 s ttl has run out, S3 is asked, fails, and the stale entry answers.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> get("/stale/kept.txt").headers().firstValue("x-cache").orElse(""),
              "STALE"::equals);
      HttpResponse<String> stale = get("/stale/kept.txt");
      assertThat(stale.statusCode()).isEqualTo(200);
      assertThat(stale.body()).isEqualTo("kept while S3 is down");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> get("/nostale/kept.txt").statusCode() >= 500);
      assertThat(proxy.metrics().scrape())
          .containsPattern(
              "yatagarasu_cache_lookups_total\\{bucket=\"stale\",result=\"stale\"\\} [1-9]");
    } finally {
      spare.restart();
    }
  }

  @Test
  void aStaleEntryIsRevalidatedWithS3AndServedFromMemoryOn304() throws Exception {
    put(spare, "revalidated.txt", "unchanged body");
    HttpResponse<String> first = get("/nostale/revalidated.txt");
    assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
    // After the 1 s ttl, S3 is asked with the entry's validators and answers 304.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> get("/nostale/revalidated.txt").headers().firstValue("x-cache").orElse(""),
            "REVALIDATED"::equals);
    HttpResponse<String> again = get("/nostale/revalidated.txt");
    assertThat(again.body()).isEqualTo("unchanged body");
    assertThat(proxy.metrics().scrape())
        .containsPattern(
            "yatagarasu_cache_lookups_total\\{bucket=\"nostale\",result=\"revalidated\"\\} [1-9]");
  }

  @Test
  void anObjectAboveMaxObjectSizeIsStreamedWithOneS3RequestPerClient() throws Exception {
    int size = BIG + 4096;
    store.putGeneratedObject("files", "huge.bin", size);
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(TestContent.bytes(0, size));
    String expected = HexFormat.of().formatHex(d.digest());
    for (int i = 0; i < 2; i++) {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/c/huge.bin")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-cache")).hasValue("MISS");
      try (InputStream in = r.body()) {
        assertThat(sha256(in)).isEqualTo(expected);
      }
    }
    assertThat(s3Gets("huge.bin")).isEqualTo(2);
    assertThat(proxy.cache().entries()).isLessThan(100);
  }

  @Test
  void aNotFoundIsRememberedForTheBucketsNotFoundTtl() throws Exception {
    HttpResponse<String> first = get("/missing/later.txt");
    assertThat(first.statusCode()).isEqualTo(404);
    assertThat(first.body()).contains("NoSuchKey");
    put(store, "later.txt", "now it exists");
    HttpResponse<String> second = get("/missing/later.txt");
    assertThat(second.statusCode()).isEqualTo(404);
    assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
    assertThat(s3Gets("later.txt")).isEqualTo(1);
    // The other bucket on the same target does not remember 404s, and the object is there now.
    assertThat(get("/c/later.txt").body()).isEqualTo("now it exists");
  }

  @Test
  void aClientTheBucketRefusesNeverGetsAStoredObject() throws Exception {
    put(store, "private.txt", "stored through another bucket");
    assertThat(get("/c/private.txt").statusCode()).isEqualTo(200);
    assertThat(get("/c/private.txt").headers().firstValue("x-cache")).hasValue("HIT");
    // "guarded" has the same S3 target (so the same entries) but refuses this client's address.
    HttpResponse<String> refused = get("/guarded/private.txt");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain("stored through another bucket");
  }

  @Test
  void aSwapThatMovesABucketDropsItsEntriesAndOneThatDoesNotKeepsThem() throws Exception {
    put(store, "moved.txt", "from the first store");
    assertThat(get("/moving/moved.txt").body()).isEqualTo("from the first store");
    assertThat(get("/c/img/2.png").statusCode()).isEqualTo(200);
    long generation = proxy.snapshot().generation();
    // Same targets, another budget: the entries stay.
    ProxyConfig same = config(wire.port(), spare.port(), "24MiB");
    assertThat(
            proxy
                .snapshots()
                .apply(
                    new ConfigDocument(same, OptionalLong.empty()),
                    OptionalLong.of(generation + 1),
                    "admin")
                .status())
        .isEqualTo(SnapshotManager.Status.APPLIED);
    assertThat(get("/moving/moved.txt").headers().firstValue("x-cache")).hasValue("HIT");
    // "moving" now points at the spare store: its entries go, the others stay.
    ProxyConfig moved = config(wire.port(), spare.port(), "24MiB", spare.port());
    assertThat(
            proxy
                .snapshots()
                .apply(
                    new ConfigDocument(moved, OptionalLong.empty()),
                    OptionalLong.of(generation + 2),
                    "admin")
                .status())
        .isEqualTo(SnapshotManager.Status.APPLIED);
    HttpResponse<String> after = get("/moving/moved.txt");
    assertThat(after.headers().firstValue("x-cache")).hasValue("MISS");
    assertThat(after.body()).isEqualTo("from the spare store");
    assertThat(get("/c/img/2.png").headers().firstValue("x-cache")).hasValue("HIT");
  }
}
