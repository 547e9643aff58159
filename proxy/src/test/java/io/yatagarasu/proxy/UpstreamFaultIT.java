package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.FaultyS3Server;
import io.yatagarasu.testkit.FaultyS3Server.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The proxy in front of a fake S3 that misbehaves on purpose ({@link FaultyS3Server}). For each
 * fault: the client's answer (one status, or a clean cut once the head has gone), the pool's state
 * afterwards (the next requests get their own object, byte for byte) and the upstream error
 * counter. {@code -Dyatagarasu.faults.repetitions=N} runs the whole suite N times (long mode).
 */
class UpstreamFaultIT {
  private static final int REPETITIONS = Integer.getInteger("yatagarasu.faults.repetitions", 1);
  private static final String BUCKET = "/store/";

  private static FaultyS3Server s3;
  private static ProxyServer proxy;
  private static int port;

  /** What the client must see for a fault. */
  enum Outcome {
    /** A full answer with the given status. */
    STATUS,
    /** The head (200) went out, then the connection was closed before the body ended. */
    CUT
  }

  /**
   * One fault: what the server does, what the client gets, which upstream error kinds may count it
   * (empty: none counts), and the body a 200 must carry.
   */
  record Case(
      String name, Fault fault, Outcome outcome, int status, Set<String> kinds, byte[] body) {}

  @BeforeAll
  static void start() throws Exception {
    s3 = FaultyS3Server.start();
    String yaml =
        """
        server:
          listen: 127.0.0.1:0
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: false }
        upstream:
          connectTimeout: 1s
          responseTimeout: 2s
          bodyIdleTimeout: 1s
          # One pooled connection per event loop: the request after a fault reuses whatever the
          # fault left in the pool.
          maxConnectionsPerEndpoint: 2
          retry: { maxAttempts: 1 }
          circuitBreaker: { minimumRequests: 1000000 }
        buckets:
          - name: faults
            pathPrefix: /f
            s3: { bucket: store, region: us-east-1, endpoint: "%s", credentials: { accessKeyId: k, secretAccessKey: s } }
            auth: { type: public }
        """
            .formatted(s3.endpoint());
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    port = proxy.dataAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  // ---- the two defects, as reported ----

  @Test
  void answersAMalformedStatusLineOnceSoPipelinedAnswersStayInStep() throws Exception {
    for (String garbage :
        List.of("\u0000\u0001garbage\u00ff\u00fe not http\r\n\r\n", "HTTP/1.1 2OO OK\r\n\r\n")) {
      String key = "garbled-" + garbage.length();
      s3.fault(BUCKET + key, FaultyS3Server.raw(garbage));
      byte[] own = object("own-after-" + key, 777);
      double before = upstreamErrors("malformed");
      try (Socket socket = connect()) {
        socket
            .getOutputStream()
            .write(
                ("GET /f/"
                        + key
                        + " HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /f/own-after-"
                        + key
                        + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        Raw first = Raw.read(in);
        Raw second = Raw.read(in);
        assertThat(first.status).as("the garbled answer").isEqualTo(502);
        assertThat(second.status)
            .as("the next pipelined request gets its own answer")
            .isEqualTo(200);
        assertThat(second.body).isEqualTo(own);
        assertThat(second.header("x-request-id")).isNotEqualTo(first.header("x-request-id"));
      }
      assertThat(upstreamErrors("malformed") - before).isEqualTo(1.0);
    }
  }

  @Test
  void skipsInterimAnswersAndNeverHandsTheirBodyToTheNextRequest() throws Exception {
    byte[] hinted = object("hinted-body", 4096);
    s3.fault(
        BUCKET + "hinted",
        FaultyS3Server.interim(
            hinted,
            "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\n"));
    byte[] own = object("own-after-hinted", 5000);
    try (Socket socket = connect()) {
      for (int i = 0; i < 3; i++) {
        Raw hintedAnswer = get(socket, "/f/hinted");
        assertThat(hintedAnswer.status).isEqualTo(200);
        assertThat(hintedAnswer.body).isEqualTo(hinted);
        Raw next = get(socket, "/f/own-after-hinted");
        assertThat(next.status).isEqualTo(200);
        assertThat(next.body).as("the next request's own object").isEqualTo(own);
      }
    }
  }

  // ---- the fault suite ----

  @TestFactory
  Stream<DynamicTest> eachFaultGetsOneCleanAnswerAndLeavesThePoolClean() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int round = 0; round < REPETITIONS; round++) {
      for (Case c : cases()) {
        String label = REPETITIONS == 1 ? c.name() : c.name() + " #" + (round + 1);
        int r = round;
        tests.add(
            DynamicTest.dynamicTest(
                label,
                () -> {
                  try {
                    run(c, r);
                  } catch (AssertionError | IOException e) {
                    throw new AssertionError(c.name() + ": " + e.getMessage(), e);
                  }
                }));
      }
    }
    return tests.stream();
  }

  private static List<Case> cases() {
    byte[] body = TestBytes.of("fault-body", 20_000);
    byte[] small = TestBytes.of("small-body", 1_000);
    List<Case> cases = new ArrayList<>();
    cases.add(status("reset before the head", FaultyS3Server.reset(), 502, "closed"));
    cases.add(
        status(
            "close before the head",
            (request, socket, out) -> {
              socket.close();
              return false;
            },
            502,
            "closed"));
    cases.add(
        status(
            "binary garbage",
            FaultyS3Server.raw("\u0000\u0001garbage\u00ff\u00fe not http\r\n\r\n"),
            502,
            "malformed"));
    cases.add(
        status(
            "non-numeric status", FaultyS3Server.raw("HTTP/1.1 2OO OK\r\n\r\n"), 502, "malformed"));
    cases.add(
        status(
            "Content-Length not a number",
            FaultyS3Server.raw("HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello"),
            502,
            "malformed"));
    cases.add(
        status(
            "two different Content-Length values",
            FaultyS3Server.raw(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
            502,
            "malformed"));
    cases.add(
        status(
            "oversized header",
            FaultyS3Server.raw(
                "HTTP/1.1 200 OK\r\nx-amz-meta-big: " + "a".repeat(80_000) + "\r\n\r\n"),
            502,
            "malformed"));
    cases.add(
        status(
            "switching protocols",
            FaultyS3Server.raw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"),
            502,
            "malformed"));
    cases.add(
        status(
            "endless interim answers",
            FaultyS3Server.interim(small, "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(50)),
            502,
            "malformed"));
    cases.add(
        ok(
            "103 then the object",
            FaultyS3Server.interim(body, "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"),
            body));
    cases.add(
        ok(
            "100 then the object",
            FaultyS3Server.interim(body, "HTTP/1.1 100 Continue\r\n\r\n"),
            body));
    cases.add(
        ok(
            "three interim answers then the object",
            FaultyS3Server.interim(
                small,
                "HTTP/1.1 100 Continue\r\n\r\n",
                "HTTP/1.1 103 Early Hints\r\n\r\n",
                "HTTP/1.1 102 Processing\r\n\r\n"),
            small));
    cases.add(status("stall before the head", FaultyS3Server.stallBeforeHead(), 504, "timeout"));
    cases.add(cut("stall within the body", FaultyS3Server.stallMidBody(body, 7_000), "body_idle"));
    cases.add(
        cut(
            "close within the body",
            FaultyS3Server.closeMidBody(body, 7_000),
            "broken",
            "closed_mid_body"));
    cases.add(
        cut(
            "Content-Length longer than the body",
            FaultyS3Server.contentLength(body, body.length + 100),
            "body_idle"));
    byte[] shortened = java.util.Arrays.copyOf(body, body.length - 100);
    cases.add(
        ok(
            "Content-Length shorter than the body",
            FaultyS3Server.contentLength(body, body.length - 100),
            shortened));
    cases.add(
        ok(
            "a second answer glued to the first",
            FaultyS3Server.raw(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!"),
            "hello".getBytes(StandardCharsets.US_ASCII)));
    cases.add(
        cut("chunk size not hex", FaultyS3Server.chunked("zz\r\nhello\r\n0\r\n\r\n"), "broken"));
    cases.add(
        cut(
            "chunk longer than its size",
            FaultyS3Server.chunked("5\r\nhello, world\r\n0\r\n\r\n"),
            "broken"));
    cases.add(cut("chunked body cut short", FaultyS3Server.chunked("5\r\nhel"), "body_idle"));
    cases.add(
        ok(
            "well-framed chunked answer",
            FaultyS3Server.chunked("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
            "hello world".getBytes(StandardCharsets.US_ASCII)));
    cases.add(ok("Connection: close", FaultyS3Server.connectionClose(body), body));
    cases.add(
        ok("closed right after a keep-alive answer", FaultyS3Server.closeAfterAnswer(body), body));
    cases.add(ok("body delimited by the close", FaultyS3Server.closeDelimited(body), body));
    cases.add(ok("slow trickle", FaultyS3Server.trickle(small, 100, Duration.ofMillis(50)), small));
    cases.add(
        status(
            "503 SlowDown",
            FaultyS3Server.s3Error(503, "Slow Down", "SlowDown"),
            503,
            "status_5xx"));
    return cases;
  }

  private static Case status(String name, Fault fault, int status, String... kinds) {
    return new Case(name, fault, Outcome.STATUS, status, Set.of(kinds), null);
  }

  private static Case ok(String name, Fault fault, byte[] body) {
    return new Case(name, fault, Outcome.STATUS, 200, Set.of(), body);
  }

  private static Case cut(String name, Fault fault, String... kinds) {
    return new Case(name, fault, Outcome.CUT, 200, Set.of(kinds), null);
  }

  private static void run(Case c, int round) throws Exception {
    String key = c.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-" + round;
    s3.fault(BUCKET + key, c.fault());
    byte[] own = object("own-" + key, 3_000 + new Random(key.hashCode()).nextInt(5_000));
    double errorsBefore = upstreamErrors(c.kinds());
    double allBefore = allUpstreamErrors();
    try (Socket socket = connect()) {
      Raw answer = get(socket, "/f/" + key);
      switch (c.outcome()) {
        case STATUS -> {
          assertThat(answer.status).as("status").isEqualTo(c.status());
          assertThat(answer.cut).as("a complete answer").isFalse();
          if (c.body() != null) {
            assertThat(answer.body).as("body").isEqualTo(c.body());
          }
          if (answer.header("connection") == null
              || !answer.header("connection").equalsIgnoreCase("close")) {
            // The same client connection: exactly one answer came for the faulty request.
            Raw next = get(socket, "/f/own-" + key);
            assertThat(next.status).as("next request on the same connection").isEqualTo(200);
            assertThat(next.body).as("its own object").isEqualTo(own);
          }
        }
        case CUT -> {
          // The head may not have left the proxy before the fault showed: then no answer at all.
          assertThat(answer.status).as("status").isIn(0, 200);
          assertThat(answer.cut).as("cut before the body ended").isTrue();
          assertThat(socket.getInputStream().read()).as("then closed").isEqualTo(-1);
        }
      }
    }
    // Fresh connections land on every event loop, so every pool is tried.
    for (int i = 0; i < 3; i++) {
      try (Socket socket = connect()) {
        Raw next = get(socket, "/f/own-" + key);
        assertThat(next.status).as("next request, fresh connection " + i).isEqualTo(200);
        assertThat(next.body).as("its own object").isEqualTo(own);
      }
    }
    assertThat(s3.requests(BUCKET + key)).as("one upstream attempt at least").isPositive();
    if (c.kinds().isEmpty()) {
      assertThat(allUpstreamErrors()).as("no upstream error counted").isEqualTo(allBefore);
    } else {
      assertThat(upstreamErrors(c.kinds()) - errorsBefore)
          .as("upstream errors of kind " + c.kinds())
          .isEqualTo(1.0);
    }
    s3.clearFault(BUCKET + key);
  }

  private static byte[] object(String key, int size) {
    byte[] body = TestBytes.of(key, size);
    s3.putObject(BUCKET + key, body);
    return body;
  }

  /** The upstream error counter of the bucket, summed over {@code kinds} (null: every kind). */
  private static double upstreamErrors(Set<String> kinds) {
    double sum = 0;
    for (String line : proxy.metrics().scrape().split("\n")) {
      if (line.startsWith("yatagarasu_upstream_errors_total{")
          && line.contains("bucket=\"faults\"")) {
        int k = line.indexOf("kind=\"");
        String kind = line.substring(k + 6, line.indexOf('"', k + 6));
        if (kinds == null || kinds.contains(kind)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  private static double upstreamErrors(String kind) {
    return upstreamErrors(Set.of(kind));
  }

  private static double allUpstreamErrors() {
    return upstreamErrors((Set<String>) null);
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    // Bounds every read: no fault may leave a client waiting past the proxy's own timeouts.
    socket.setSoTimeout(15_000);
    return socket;
  }

  private static Raw get(Socket socket, String path) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return Raw.read(socket.getInputStream());
  }

  /** Deterministic bytes named by a seed. */
  static final class TestBytes {
    static byte[] of(String seed, int size) {
      byte[] bytes = new byte[size];
      new Random(seed.hashCode()).nextBytes(bytes);
      return bytes;
    }
  }

  /** One HTTP/1.1 answer read off a socket; {@code cut} when the connection ended inside it. */
  static final class Raw {
    int status;
    final Map<String, String> headers = new java.util.HashMap<>();
    byte[] body;
    boolean cut;

    String header(String name) {
      return headers.get(name);
    }

    static Raw read(InputStream in) throws IOException {
      Raw raw = new Raw();
      String statusLine = line(in);
      if (statusLine == null) {
        raw.cut = true;
        raw.body = new byte[0];
        return raw;
      }
      raw.status = Integer.parseInt(statusLine.split(" ")[1]);
      for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
        int colon = l.indexOf(':');
        raw.headers.put(
            l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      try {
        if (raw.headers.containsKey("content-length")) {
          long length = Long.parseLong(raw.headers.get("content-length"));
          raw.cut = !copy(in, body, length);
        } else if ("chunked".equalsIgnoreCase(raw.headers.get("transfer-encoding"))) {
          while (true) {
            String size = line(in);
            if (size == null) {
              raw.cut = true;
              break;
            }
            long n = Long.parseLong(size.trim(), 16);
            if (n == 0) {
              line(in);
              break;
            }
            if (!copy(in, body, n) || line(in) == null) {
              raw.cut = true;
              break;
            }
          }
        }
      } catch (SocketException reset) {
        raw.cut = true;
      }
      raw.body = body.toByteArray();
      return raw;
    }

    private static boolean copy(InputStream in, ByteArrayOutputStream to, long length)
        throws IOException {
      byte[] buffer = new byte[8192];
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          return false;
        }
        to.write(buffer, 0, n);
        left -= n;
      }
      return true;
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          int end = b.length();
          return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
        }
        b.append((char) c);
      }
      return b.length() == 0 ? null : b.toString();
    }
  }
}
