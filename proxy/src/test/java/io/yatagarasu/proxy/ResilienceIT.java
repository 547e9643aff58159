package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts, retries and limits against a real s3proxy behind a fault-injecting TCP proxy: resets
 * before the first byte are retried, nothing is retried once bytes went out, a retry budget stops a
 * storm, stalls and slow clients are cut at their settings.
 */
class ResilienceIT {
  private static final long BIG = 4L * 1024 * 1024;

  private static S3ProxyServer store;
  private static FaultProxy retried;
  private static FaultProxy stalled;
  private static FaultProxy storm;
  private static FaultProxy idle;
  private static java.net.ServerSocket full;
  private static final List<Socket> fillers = new ArrayList<>();
  private static ProxyServer proxy;
  private static HttpClient http;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("res-key", "res-secret-0123456789");
    store.createBucket("files");
    store.putObject(
        "files", "small.txt", "small".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    store.putGeneratedObject("files", "big.bin", BIG);
    retried = new FaultProxy(store.port());
    stalled = new FaultProxy(store.port());
    storm = new FaultProxy(store.port());
    idle = new FaultProxy(store.port());
    // A listener that never accepts, with its accept queue filled: further SYNs are dropped, so a
    // connection to it neither succeeds nor fails until the connect timeout.
    full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    for (int i = 0; i < 16; i++) {
      Socket filler = new Socket();
      try {
        filler.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 300);
        fillers.add(filler);
      } catch (java.net.SocketTimeoutException queueFull) {
        filler.close();
        break;
      }
    }
    String yaml =
        """
        server:
          listen: 127.0.0.1:0
          requestHeaderTimeout: 1s
          maxConcurrentRequests: 4
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: false }
        upstream:
          connectTimeout: 1s
          responseTimeout: 5s
          bodyIdleTimeout: 1s
          retry: { maxAttempts: 3, baseDelay: 10ms, maxDelay: 100ms, budgetPercent: 20 }
          # The breaker would stop the storm first; FailoverIT covers it.
          circuitBreaker: { minimumRequests: 1000000 }
        buckets:
          - { name: ok, pathPrefix: /ok, s3: S3_%d, auth: { type: public } }
          - { name: retried, pathPrefix: /retried, s3: S3_%d, auth: { type: public } }
          - { name: stalled, pathPrefix: /stalled, s3: S3_%d, auth: { type: public } }
          - { name: storm, pathPrefix: /storm, s3: S3_%d, auth: { type: public } }
          - { name: syn, pathPrefix: /syn, s3: S3_%d, auth: { type: public }, upstream: { retry: { maxAttempts: 1 } } }
          - { name: idle, pathPrefix: /idle, s3: S3_%d, auth: { type: public }, upstream: { idleConnectionTimeout: 1s } }
        """
            .formatted(
                store.port(),
                retried.port(),
                stalled.port(),
                storm.port(),
                full.getLocalPort(),
                idle.port())
            .replaceAll(
                "S3_(\\d+)",
                "{ bucket: files, region: us-east-1, endpoint: \"http://127.0.0.1:$1\","
                    + " credentials: { accessKeyId: res-key, secretAccessKey: res-secret-0123456789 } }");
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    port = proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (FaultProxy f : new FaultProxy[] {retried, stalled, storm, idle}) {
      if (f != null) {
        f.close();
      }
    }
    if (store != null) {
      store.close();
    }
    for (Socket filler : fillers) {
      filler.close();
    }
    if (full != null) {
      full.close();
    }
  }

  @Test
  void theConnectTimeoutFiresAtItsSetting() throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> r = get("/syn/small.txt");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("cannot be reached");
    // Not before the setting; load can only make it later, so there is no upper bound.
    assertThat(millis).as("upstream.connectTimeout is 1s").isGreaterThanOrEqualTo(900L);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * The bucket's upstream connections are closed once idle for its {@code idleConnectionTimeout}
   * (1s), long before the default of 30s, and the next request opens a new one.
   */
  @Test
  void anIdleUpstreamConnectionIsClosedAfterTheBucketsIdleConnectionTimeout() throws Exception {
    assertThat(get("/idle/small.txt").statusCode()).isEqualTo(200);
    assertThat(get("/idle/small.txt").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(idle.openConnections()).as("connections to S3 still open").isZero());

    int opened = idle.connections();
    HttpResponse<byte[]> again = get("/idle/small.txt");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo("small");
    assertThat(idle.connections()).as("a new connection").isEqualTo(opened + 1);
  }

  @Test
  void retriesAResetBeforeTheFirstByte() throws Exception {
    retried.resetNext(1);
    int before = retried.connections();
    HttpResponse<byte[]> r = get("/retried/small.txt");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("small");
    assertThat(retried.connections() - before).isEqualTo(2);
    assertThat(proxy.metrics().scrape())
        .contains("yatagarasu_upstream_retries_total{bucket=\"retried\",reason=\"closed\"}");
  }

  @Test
  void neverRetriesOnceBytesReachedTheClientAndCutsAStalledBody() throws Exception {
    stalled.stallAfter(64 * 1024);
    int before = stalled.connections();
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /stalled/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[16 * 1024];
      long read = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        read += n;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(read).as("a short body, then the connection closed").isLessThan(BIG);
      assertThat(millis).as("cut at bodyIdleTimeout, not before").isGreaterThanOrEqualTo(900L);
    }
    assertThat(stalled.connections() - before).as("no retry after the status line").isEqualTo(1);
    stalled.pass();
  }

  @Test
  void theRetryBudgetStopsAStorm() throws Exception {
    storm.resetAll();
    int before = storm.connections();
    int requests = 100;
    for (int i = 0; i < requests; i++) {
      assertThat(get("/storm/small.txt").statusCode()).isEqualTo(502);
    }
    int attempts = storm.connections() - before;
    System.out.printf("outage: %d requests made %d upstream attempts%n", requests, attempts);
    // Without a budget, 3 attempts each would be 300. The budget pays 20% of the requests in
    // retries, on top of a balance that never exceeds 20 retries.
    assertThat(attempts).isBetween(requests, requests + requests * 20 / 100 + 20);
    assertThat(proxy.metrics().scrape())
        .contains(
            "yatagarasu_upstream_retries_total{bucket=\"storm\",reason=\"budget_exhausted\"}");
    storm.pass();
  }

  @Test
  void incompleteRequestHeadsGet408AtTheirTimeout() throws Exception {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /ok/small.txt HTTP/1.1\r\nHost: x\r\nX-Slow: "
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(answer).startsWith("HTTP/1.1 408").contains("RequestTimeout");
      assertThat(millis).as("not before the header timeout").isGreaterThanOrEqualTo(900L);
    }
  }

  @Test
  void slowlorisConnectionsDoNotStopNormalRequests() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 500; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream().write('G');
        slow.add(socket);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      int served = 0;
      while (System.nanoTime() < deadline) {
        for (Socket socket : slow) {
          try {
            socket.getOutputStream().write('E');
          } catch (IOException closed) {
            // the proxy already timed it out
          }
        }
        assertThat(get("/ok/small.txt").statusCode()).isEqualTo(200);
        served++;
      }
      assertThat(served).isPositive();
      // Every slow connection is answered 408 and closed at its header timeout.
      await().atMost(Duration.ofSeconds(10)).until(() -> proxyClosedAll(slow));
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  private static boolean proxyClosedAll(List<Socket> sockets) throws IOException {
    for (Socket socket : sockets) {
      socket.setSoTimeout(1);
      try {
        InputStream in = socket.getInputStream();
        while (true) {
          int b = in.read();
          if (b < 0) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        return false;
      } catch (IOException reset) {
        // closed by the proxy
      }
    }
    return true;
  }

  @Test
  void theConcurrencyLimitAnswers503AtOnce() throws Exception {
    List<Socket> holders = new ArrayList<>();
    try {
      // Four downloads that the clients do not read: they stay in flight.
      for (int i = 0; i < 4; i++) {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket
            .getOutputStream()
            .write(
                "GET /ok/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        holders.add(socket);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> proxy.metrics().scrape().contains("yatagarasu_requests_in_flight 4.0"));
      // At once: the four holders never finish, so an answer at all means it was not queued.
      HttpResponse<byte[]> r = get("/ok/small.txt");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("retry-after")).hasValue("1");
    } finally {
      for (Socket socket : holders) {
        socket.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/ok/small.txt").statusCode() == 200);
  }

  @Test
  void bigObjectsStillStreamWhole() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ok/big.bin")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      TestContent.verify(in, 0, BIG);
    }
  }
}
