package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.CorsConfig;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.LogFormat;
import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.S3Credentials;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.Transport;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.testkit.BlackHoleServer;
import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The proxy end to end over real sockets, in front of two real s3proxy servers that check SigV4
 * signatures with different credentials.
 */
class ProxyIT {
  private static final String SECRET_A = "secret-a-0123456789";
  private static final String SECRET_B = "secret-b-9876543210";
  private static final String WRONG_SECRET = "wrong-secret-5555555";
  private static final byte[] HELLO = "hello, yatagarasu\n".getBytes(StandardCharsets.UTF_8);
  private static final int OBJECT_SIZE = 10_000;
  private static final long BIG_SIZE = 8L * 1024 * 1024;
  private static final List<String> SPECIAL_KEYS =
      List.of(
          "with space.txt",
          "plus+sign.txt",
          "percent%25literal%.txt",
          "equals=and&amp.txt",
          "tilde~file.txt",
          "unicode-ü-あ-😀.txt",
          "dir//double//slash.txt",
          "quote'paren(1).txt",
          "semi;colon,comma.txt");

  private static S3ProxyServer storeA;
  private static S3ProxyServer storeB;
  private static BlackHoleServer blackHole;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;
  private static String etag;
  private static String lastModified;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    ((Logger) LoggerFactory.getLogger("yatagarasu.access")).addAppender(LOGS);

    storeA = S3ProxyServer.start("key-a", SECRET_A);
    storeB = S3ProxyServer.start("key-b", SECRET_B);
    blackHole = BlackHoleServer.start();
    storeA.createBucket("bucket-a");
    storeB.createBucket("bucket-b");

    var put =
        storeA.putObject(
            "bucket-a",
            "hello.txt",
            HELLO,
            r ->
                r.contentType("text/markdown")
                    .metadata(Map.of("owner", "team-a", "purpose", "greeting"))
                    .cacheControl("max-age=60")
                    .contentDisposition("inline; filename=\"hello.txt\"")
                    .contentLanguage("en")
                    .contentEncoding("identity")
                    .expires(Instant.parse("2030-01-01T00:00:00Z")));
    etag = put.eTag();
    storeA.putGeneratedObject("bucket-a", "data/object.bin", OBJECT_SIZE);
    storeA.putGeneratedObject("bucket-a", "big.bin", BIG_SIZE);
    for (String key : SPECIAL_KEYS) {
      storeA.putObject(
          "bucket-a", key, key.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    }
    storeB.putObject(
        "bucket-b",
        "b.txt",
        "from bucket b".getBytes(StandardCharsets.UTF_8),
        "text/plain",
        Map.of());
    storeB.putObject(
        "bucket-b", "x.txt", "deep in b".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());

    int closedPort = FreePorts.find();
    List<BucketConfig> buckets =
        List.of(
            bucket("a", "/a", storeA.endpoint(), "bucket-a", "", creds("key-a", SECRET_A)),
            bucket(
                "a-deep", "/a/deep", storeB.endpoint(), "bucket-b", "", creds("key-b", SECRET_B)),
            bucket("b", "/b", storeB.endpoint(), "bucket-b", "", creds("key-b", SECRET_B)),
            bucket(
                "prefixed",
                "/prefixed",
                storeA.endpoint(),
                "bucket-a",
                "data/",
                creds("key-a", SECRET_A)),
            bucket(
                "wrong", "/wrong", storeA.endpoint(), "bucket-a", "", creds("key-a", WRONG_SECRET)),
            bucket(
                "down",
                "/down",
                URI.create("http://127.0.0.1:" + closedPort),
                "bucket-a",
                "",
                creds("key-a", SECRET_A)),
            bucket(
                "hang",
                "/hang",
                URI.create("http://127.0.0.1:" + blackHole.port()),
                "bucket-a",
                "",
                creds("key-a", SECRET_A)),
            new BucketConfig(
                "web",
                "/web",
                new S3Target(
                    "bucket-a", "us-east-1", storeA.endpoint(), true, "", creds("key-a", SECRET_A)),
                new AuthConfig(AuthType.PUBLIC),
                List.of(),
                List.of(),
                new CorsConfig(
                    List.of("https://app.example.com"),
                    List.of("GET", "HEAD"),
                    List.of(),
                    List.of("ETag", "Content-Range"),
                    Duration.ofMinutes(5),
                    false)),
            // Same store under another host name: a separate endpoint whose connections are
            // counted on their own by the disconnect test.
            bucket(
                "big",
                "/big",
                URI.create("http://localhost:" + storeA.port()),
                "bucket-a",
                "",
                creds("key-a", SECRET_A)));
    ProxyConfig config =
        new ProxyConfig(
            new ServerConfig(
                new ListenAddress("127.0.0.1", 0),
                16384,
                8192,
                Duration.ofSeconds(60),
                Transport.AUTO),
            new AdminConfig(new ListenAddress("127.0.0.1", 0)),
            new UpstreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(2), 64),
            new LoggingConfig(LogFormat.JSON, true),
            buckets);
    proxy = ProxyServer.start(config);
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    lastModified =
        send(get("/a/hello.txt").build()).headers().firstValue("last-modified").orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {storeA, storeB, blackHole}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  private static BucketConfig bucket(
      String name, String prefix, URI endpoint, String bucket, String keyPrefix, S3Credentials c) {
    return new BucketConfig(
        name,
        prefix,
        new S3Target(bucket, "us-east-1", endpoint, true, keyPrefix, c),
        new AuthConfig(AuthType.PUBLIC));
  }

  private static S3Credentials creds(String key, String secret) {
    return new S3Credentials(key, secret, null);
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  private static HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void getsAnObjectWithItsHeaders() throws Exception {
    HttpResponse<byte[]> r = send(get("/a/hello.txt").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(HELLO);
    var h = r.headers();
    assertThat(h.firstValue("content-type")).hasValue("text/markdown");
    assertThat(h.firstValue("content-length")).hasValue(String.valueOf(HELLO.length));
    assertThat(h.firstValue("etag")).hasValue(etag);
    assertThat(h.firstValue("last-modified")).isPresent();
    assertThat(h.firstValue("x-amz-meta-owner")).hasValue("team-a");
    assertThat(h.firstValue("x-amz-meta-purpose")).hasValue("greeting");
    assertThat(h.firstValue("x-request-id")).get().asString().matches("[0-9a-f]{32}");
    assertThat(h.map().keySet())
        .noneMatch(k -> k.equalsIgnoreCase("x-amz-request-id") || k.equalsIgnoreCase("server"))
        .noneMatch(k -> k.equalsIgnoreCase("x-amz-id-2"));
  }

  @Test
  void preservesRepresentationHeaders() throws Exception {
    var h = send(get("/a/hello.txt").build()).headers();
    assertThat(h.firstValue("cache-control")).hasValue("max-age=60");
    assertThat(h.firstValue("content-disposition")).hasValue("inline; filename=\"hello.txt\"");
    assertThat(h.firstValue("content-language")).hasValue("en");
    assertThat(h.firstValue("content-encoding")).hasValue("identity");
    assertThat(h.firstValue("expires")).get().asString().contains("2030");
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutABody() throws Exception {
    HttpResponse<byte[]> getResponse = send(get("/a/hello.txt").build());
    HttpResponse<byte[]> head =
        send(get("/a/hello.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    for (String name :
        List.of("content-type", "content-length", "etag", "last-modified", "x-amz-meta-owner")) {
      assertThat(head.headers().firstValue(name))
          .as(name)
          .isEqualTo(getResponse.headers().firstValue(name));
    }
  }

  @Test
  void adminListenerAnswersHealthAndReadiness() throws Exception {
    String admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    HttpResponse<byte[]> health =
        send(HttpRequest.newBuilder(URI.create(admin + "/health")).build());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<byte[]> ready = send(HttpRequest.newBuilder(URI.create(admin + "/ready")).build());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(text(ready)).contains("ready");
    assertThat(send(HttpRequest.newBuilder(URI.create(admin + "/nope")).build()).statusCode())
        .isEqualTo(404);
    // Without admin.tokenFile the admin API is off.
    assertThat(
            send(HttpRequest.newBuilder(URI.create(admin + "/admin/config")).build()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void dataPortAnswersHealth() throws Exception {
    HttpResponse<byte[]> r = send(get("/health").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(text(r)).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void answersCorsPreflightsForAConfiguredOrigin() throws Exception {
    HttpResponse<byte[]> ok =
        send(
            get("/web/hello.txt")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "range, if-none-match")
                .build());
    assertThat(ok.statusCode()).isEqualTo(204);
    var h = ok.headers();
    assertThat(h.firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
    assertThat(h.firstValue("access-control-allow-methods")).hasValue("GET, HEAD");
    assertThat(h.firstValue("access-control-allow-headers")).hasValue("range, if-none-match");
    assertThat(h.firstValue("access-control-max-age")).hasValue("300");
    assertThat(h.firstValue("vary")).hasValue("Origin");

    HttpResponse<byte[]> evil =
        send(
            get("/web/hello.txt")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "GET")
                .build());
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.headers().firstValue("access-control-allow-origin")).isEmpty();

    HttpResponse<byte[]> noCors =
        send(
            get("/a/hello.txt")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "GET")
                .build());
    assertThat(noCors.statusCode()).isEqualTo(405);
  }

  @Test
  void addsCorsHeadersOnlyWhereConfigured() throws Exception {
    HttpResponse<byte[]> web =
        send(get("/web/hello.txt").header("Origin", "https://app.example.com").build());
    assertThat(web.statusCode()).isEqualTo(200);
    assertThat(web.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example.com");
    assertThat(web.headers().firstValue("access-control-expose-headers"))
        .hasValue("ETag, Content-Range");
    HttpResponse<byte[]> missing =
        send(get("/web/nope.txt").header("Origin", "https://app.example.com").build());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example.com");
    HttpResponse<byte[]> other =
        send(get("/web/hello.txt").header("Origin", "https://evil.example.com").build());
    assertThat(other.headers().map().keySet()).noneMatch(k -> k.startsWith("access-control-"));
    HttpResponse<byte[]> unconfigured =
        send(get("/a/hello.txt").header("Origin", "https://app.example.com").build());
    assertThat(unconfigured.headers().map().keySet())
        .noneMatch(k -> k.startsWith("access-control-"));
  }

  @Test
  void missingObjectGets404WithJsonError() throws Exception {
    HttpResponse<byte[]> r = send(get("/a/missing.txt").header("X-Request-Id", "trace-42").build());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text(r))
        .isEqualTo(
            "{\"error\":\"NoSuchKey\",\"message\":\"The object does not exist.\",\"requestId\":\"trace-42\"}");
    assertThat(r.headers().firstValue("x-request-id")).hasValue("trace-42");
  }

  @Test
  void rangeRequestsReturnTheRequestedBytes() throws Exception {
    HttpResponse<byte[]> first =
        send(get("/a/data/object.bin").header("Range", "bytes=0-99").build());
    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(first.headers().firstValue("content-range")).hasValue("bytes 0-99/" + OBJECT_SIZE);
    assertThat(first.body()).isEqualTo(TestContent.bytes(0, 100));

    HttpResponse<byte[]> open = send(get("/a/data/object.bin").header("Range", "bytes=0-").build());
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(TestContent.bytes(0, OBJECT_SIZE));

    HttpResponse<byte[]> suffix =
        send(get("/a/data/object.bin").header("Range", "bytes=-100").build());
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.headers().firstValue("content-range"))
        .hasValue("bytes " + (OBJECT_SIZE - 100) + "-" + (OBJECT_SIZE - 1) + "/" + OBJECT_SIZE);
    assertThat(suffix.body()).isEqualTo(TestContent.bytes(OBJECT_SIZE - 100, 100));

    HttpResponse<byte[]> tail =
        send(get("/a/data/object.bin").header("Range", "bytes=100-").build());
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(TestContent.bytes(100, OBJECT_SIZE - 100));
  }

  @Test
  void unsatisfiableRangeGets416WithTheObjectSize() throws Exception {
    HttpResponse<byte[]> r =
        send(
            get("/a/data/object.bin").header("Range", "bytes=" + (OBJECT_SIZE + 10) + "-").build());
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(r.headers().firstValue("content-range")).hasValue("bytes */" + OBJECT_SIZE);
    assertThat(text(r)).contains("\"error\":\"InvalidRange\"");
  }

  @Test
  void conditionalRequestsPassThrough() throws Exception {
    HttpResponse<byte[]> notModified =
        send(get("/a/hello.txt").header("If-None-Match", etag).build());
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(notModified.headers().firstValue("etag")).hasValue(etag);

    HttpResponse<byte[]> modified =
        send(get("/a/hello.txt").header("If-None-Match", "\"something-else\"").build());
    assertThat(modified.statusCode()).isEqualTo(200);

    HttpResponse<byte[]> failed = send(get("/a/hello.txt").header("If-Match", "\"nope\"").build());
    assertThat(failed.statusCode()).isEqualTo(412);
    assertThat(text(failed)).contains("PreconditionFailed");

    HttpResponse<byte[]> matched = send(get("/a/hello.txt").header("If-Match", etag).build());
    assertThat(matched.statusCode()).isEqualTo(200);

    String future =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.now().plusSeconds(86_400).atOffset(ZoneOffset.UTC));
    String past =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.parse("2001-01-01T00:00:00Z").atOffset(ZoneOffset.UTC));
    assertThat(send(get("/a/hello.txt").header("If-Modified-Since", future).build()).statusCode())
        .isEqualTo(304);
    assertThat(send(get("/a/hello.txt").header("If-Unmodified-Since", past).build()).statusCode())
        .isEqualTo(412);
  }

  @Test
  void ifRangeHonoursTheValidator() throws Exception {
    HttpResponse<byte[]> same =
        send(get("/a/hello.txt").header("Range", "bytes=0-4").header("If-Range", etag).build());
    assertThat(same.statusCode()).isEqualTo(206);
    assertThat(same.body()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));

    HttpResponse<byte[]> changed =
        send(
            get("/a/hello.txt")
                .header("Range", "bytes=0-4")
                .header("If-Range", "\"stale\"")
                .build());
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo(HELLO);

    HttpResponse<byte[]> weak =
        send(
            get("/a/hello.txt")
                .header("Range", "bytes=0-4")
                .header("If-Range", "W/" + etag)
                .build());
    assertThat(weak.statusCode()).isEqualTo(200);
    assertThat(weak.body()).isEqualTo(HELLO);

    HttpResponse<byte[]> sameDate =
        send(
            get("/a/hello.txt")
                .header("Range", "bytes=0-4")
                .header("If-Range", lastModified)
                .build());
    assertThat(sameDate.statusCode()).isEqualTo(206);

    HttpResponse<byte[]> oldDate =
        send(
            get("/a/hello.txt")
                .header("Range", "bytes=0-4")
                .header("If-Range", "Mon, 01 Jan 2001 00:00:00 GMT")
                .build());
    assertThat(oldDate.statusCode()).isEqualTo(200);
    assertThat(oldDate.body()).isEqualTo(HELLO);
  }

  @Test
  void keysWithSpecialCharactersRoundTrip() throws Exception {
    for (String key : SPECIAL_KEYS) {
      String path = "/a/" + encodePath(key);
      HttpResponse<byte[]> r = send(get(path).build());
      assertThat(r.statusCode()).as(key).isEqualTo(200);
      assertThat(text(r)).as(key).isEqualTo(key);
    }
  }

  private static String encodePath(String key) {
    StringBuilder b = new StringBuilder();
    for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/".indexOf(c) >= 0) {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  @Test
  void longestPrefixRoutesToItsOwnBucket() throws Exception {
    assertThat(text(send(get("/a/deep/x.txt").build()))).isEqualTo("deep in b");
    assertThat(send(get("/a/x.txt").build()).statusCode()).isEqualTo(404);
  }

  @Test
  void keyPrefixIsPrepended() throws Exception {
    HttpResponse<byte[]> r = send(get("/prefixed/object.bin").header("Range", "bytes=0-9").build());
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(TestContent.bytes(0, 10));
  }

  @Test
  void twoBucketsWithDifferentCredentialsServeConcurrently() throws Exception {
    List<CompletableFuture<HttpResponse<byte[]>>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String path = i % 2 == 0 ? "/a/hello.txt" : "/b/b.txt";
      futures.add(http.sendAsync(get(path).build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (int i = 0; i < futures.size(); i++) {
      HttpResponse<byte[]> r = futures.get(i).get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .isEqualTo(i % 2 == 0 ? HELLO : "from bucket b".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void wrongCredentialsGet403AndLogTheS3Code() throws Exception {
    HttpResponse<byte[]> r = send(get("/wrong/hello.txt").build());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(text(r)).contains("\"error\":\"AccessDenied\"").doesNotContain(WRONG_SECRET);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> logLines().stream().anyMatch(l -> l.contains("s3Code=SignatureDoesNotMatch")));
  }

  @Test
  void upstreamDownGets502() throws Exception {
    HttpResponse<byte[]> r = send(get("/down/hello.txt").build());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(text(r)).contains("\"error\":\"BadGateway\"").doesNotContain("127.0.0.1");
  }

  @Test
  void upstreamThatNeverAnswersGets504() throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> r = send(get("/hang/hello.txt").build());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(text(r)).contains("GatewayTimeout");
    assertThat(millis).as("not before the first-byte timeout").isGreaterThanOrEqualTo(1_900L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "POST", "DELETE"})
  void writeMethodsGet405(String method) throws Exception {
    HttpResponse<byte[]> r =
        send(get("/a/hello.txt").method(method, HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).hasValue("GET, HEAD");
    // the object is untouched
    assertThat(send(get("/a/hello.txt").build()).body()).isEqualTo(HELLO);
  }

  @Test
  void streamsALargeObjectIntact() throws Exception {
    HttpResponse<InputStream> r =
        http.send(get("/big/big.bin").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      TestContent.verify(in, 0, BIG_SIZE);
    }
  }

  @Test
  void pipelinedObjectRequestsAreAnsweredInOrderAndTheConnectionReadsOnAfterwards()
      throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", proxy.dataAddress().getPort()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      // Three requests in one write: the second and third wait while the first goes to S3.
      out.write(
          ("GET /a/hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                  + "GET /a/data/object.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                  + "GET /a/missing.txt HTTP/1.1\r\nHost: x\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(readResponse(in)).isEqualTo(new RawResponse(200, HELLO));
      assertThat(readResponse(in))
          .isEqualTo(new RawResponse(200, TestContent.bytes(0, OBJECT_SIZE)));
      assertThat(readResponse(in).status()).isEqualTo(404);

      // Reading resumed once the queue was answered: the same connection serves the next one.
      out.write("GET /a/hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readResponse(in)).isEqualTo(new RawResponse(200, HELLO));
    }
  }

  private record RawResponse(int status, byte[] body) {
    @Override
    public boolean equals(Object o) {
      return o instanceof RawResponse r && r.status == status && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
      return 31 * status + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
      return "RawResponse[" + status + ", " + body.length + " bytes]";
    }
  }

  /** Reads one HTTP/1.1 response with a Content-Length body from a raw socket. */
  private static RawResponse readResponse(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("response head ended early: %s", head).isNotNegative();
      head.append((char) b);
    }
    String[] lines = head.toString().split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    int length = -1;
    for (String line : lines) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    assertThat(length).as("Content-Length in %s", head).isNotNegative();
    return new RawResponse(status, in.readNBytes(length));
  }

  @Test
  void clientDisconnectsMidBodyCloseTheirUpstreamConnections() throws Exception {
    UpstreamEndpoint endpoint = proxy.snapshot().routes().match("/big/big.bin").route().endpoint();
    for (int i = 0; i < 100; i++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", proxy.dataAddress().getPort()), 5_000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            "GET /big/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[16 * 1024];
        long read = 0;
        while (read < 64 * 1024) {
          int n = in.read(buf);
          assertThat(n).isPositive();
          read += n;
        }
        if (i % 2 == 0) {
          socket.setSoLinger(true, 0); // half of them reset, half close politely
        }
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(endpoint.openConnections()).isZero());
    // The proxy is still healthy and serves the whole object afterwards.
    streamsALargeObjectIntact();
  }

  @Test
  void logsCarryNoSecretsAndOneAccessLineWithTheRequestId() throws Exception {
    send(get("/a/hello.txt").header("X-Request-Id", "log-check-1").build());
    send(get("/wrong/hello.txt").build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> logLines().stream().anyMatch(l -> l.contains("\"requestId\":\"log-check-1\"")));
    String access =
        logLines().stream()
            .filter(l -> l.contains("\"requestId\":\"log-check-1\""))
            .findFirst()
            .orElseThrow();
    assertThat(access)
        .contains("\"method\":\"GET\"")
        .contains("\"path\":\"/a/hello.txt\"")
        .contains("\"bucket\":\"a\"")
        .contains("\"status\":200")
        .contains("\"upstreamStatus\":200");
    for (String line : logLines()) {
      assertThat(line)
          .doesNotContain(SECRET_A)
          .doesNotContain(SECRET_B)
          .doesNotContain(WRONG_SECRET)
          .doesNotContain("Signature=")
          .doesNotContain("AWS4-HMAC-SHA256");
    }
  }

  private static List<String> logLines() {
    synchronized (LOGS) {
      List<String> lines = new ArrayList<>();
      for (ILoggingEvent e : new ArrayList<>(LOGS.list)) {
        lines.add(e.getFormattedMessage());
      }
      return lines;
    }
  }
}
