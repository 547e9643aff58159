package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The client address behind a trusted load balancer, over a real socket, with header lines written
 * byte for byte: several {@code X-Forwarded-For} lines mean the same as one comma-joined line, for
 * {@code ipAllow}, {@code ipDeny} and the per-client rate limit alike. The test client connects
 * from 127.0.0.1, which plays the load balancer.
 */
class ForwardedForIT {
  private static final ListAppender<ILoggingEvent> ACCESS = new ListAppender<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static ProxyServer limited;

  @BeforeAll
  static void start() throws Exception {
    ACCESS.start();
    ((Logger) LoggerFactory.getLogger("yatagarasu.access")).addAppender(ACCESS);
    store = S3ProxyServer.start("xff-key", "xff-secret-0123456789");
    store.createBucket("files");
    store.putObject(
        "files", "o.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    String s3 =
        "{ bucket: files, region: us-east-1, endpoint: \""
            + store.endpoint()
            + "\", credentials: { accessKeyId: xff-key, secretAccessKey: xff-secret-0123456789 } }";
    String yaml =
        """
        server: { listen: 127.0.0.1:0, trustedProxies: [127.0.0.1/32] }
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: true, format: json }
        buckets:
          - { name: allow, pathPrefix: /a, s3: S3, auth: { type: public }, ipAllow: [10.0.0.0/8] }
          - { name: deny, pathPrefix: /d, s3: S3, auth: { type: public }, ipDeny: [10.0.0.0/8] }
          - { name: open, pathPrefix: /open, s3: S3, auth: { type: public } }
        """
            .replace("S3", s3);
    ConfigParser parser = new ConfigParser(Environment.of(Map.of()));
    proxy = ProxyServer.start(parser.parseYaml(yaml));
    String limitedYaml =
        """
        server: { listen: 127.0.0.1:0, trustedProxies: [127.0.0.1/32] }
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: false }
        rateLimits:
          perClientIp: { requestsPerSecond: 0.001, burst: 3 }
        buckets:
          - { name: open, pathPrefix: /open, s3: S3, auth: { type: public } }
        """
            .replace("S3", s3);
    limited = ProxyServer.start(parser.parseYaml(limitedYaml));
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger("yatagarasu.access")).detachAppender(ACCESS);
    limited.close();
    proxy.close();
    store.close();
  }

  /** A status line and body read from a raw HTTP/1.1 exchange. */
  private record Answer(int status, String body) {}

  /**
   * Sends GET with exactly these header lines (in this order) and reads until the server closes.
   */
  private static Answer get(ProxyServer server, String path, String... headerLines)
      throws IOException {
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.dataAddress().getPort()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      int bodyStart = text.indexOf("\r\n\r\n");
      return new Answer(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
    }
  }

  @Test
  void anIpAllowBucketRefusesAnAllowedAddressInAFirstLine() throws Exception {
    // The two curl lines of the report: the client is 8.8.8.8 either way.
    Answer twoLines =
        get(proxy, "/a/o.txt", "X-Forwarded-For: 10.1.2.3", "X-Forwarded-For: 8.8.8.8");
    Answer oneLine = get(proxy, "/a/o.txt", "X-Forwarded-For: 10.1.2.3, 8.8.8.8");
    assertThat(twoLines.status()).isEqualTo(403);
    assertThat(twoLines.body()).contains("\"error\":\"AccessDenied\"");
    assertThat(oneLine.status()).isEqualTo(403);
    // The allowed client, last in either shape, is served.
    assertThat(get(proxy, "/a/o.txt", "X-Forwarded-For: 8.8.8.8", "X-Forwarded-For: 10.1.2.3"))
        .isEqualTo(new Answer(200, "hello"));
    assertThat(get(proxy, "/a/o.txt", "X-Forwarded-For: 8.8.8.8, 10.1.2.3"))
        .isEqualTo(new Answer(200, "hello"));
  }

  @Test
  void anIpDenyBucketRefusesADeniedAddressInASecondLine() throws Exception {
    Answer twoLines =
        get(proxy, "/d/o.txt", "X-Forwarded-For: 8.8.8.8", "X-Forwarded-For: 10.1.2.3");
    Answer oneLine = get(proxy, "/d/o.txt", "X-Forwarded-For: 8.8.8.8, 10.1.2.3");
    assertThat(twoLines.status()).isEqualTo(403);
    assertThat(twoLines.body()).contains("Requests from this address may not use this bucket.");
    assertThat(oneLine.status()).isEqualTo(403);
    assertThat(get(proxy, "/d/o.txt", "X-Forwarded-For: 10.1.2.3", "X-Forwarded-For: 8.8.8.8"))
        .isEqualTo(new Answer(200, "hello"));
  }

  @Test
  void portsAndIpv6AreReadAsProxiesWriteThem() throws Exception {
    assertThat(
            get(proxy, "/a/o.txt", "X-Forwarded-For: 8.8.8.8", "X-Forwarded-For: 10.1.2.3:5123")
                .status())
        .isEqualTo(200);
    assertThat(get(proxy, "/a/o.txt", "X-Forwarded-For: 10.1.2.3, [2001:db8::1]:443").status())
        .isEqualTo(403);
    assertThat(get(proxy, "/a/o.txt", "Forwarded: for=\"10.1.2.3:5123\";proto=http").status())
        .isEqualTo(200);
  }

  @Test
  void aHopThatIsNotAnAddressFailsClosedWhereTheAddressMatters() throws Exception {
    Answer garbage =
        get(proxy, "/d/o.txt", "X-Forwarded-For: 8.8.8.8", "X-Forwarded-For: not-an-address");
    assertThat(garbage.status()).isEqualTo(403);
    assertThat(garbage.body())
        .contains("X-Forwarded-For entry 1 from the right is not an IP address")
        .doesNotContain("not-an-address");
    assertThat(
            get(proxy, "/a/o.txt", "X-Forwarded-For: 10.1.2.3", "X-Forwarded-For: unknown")
                .status())
        .isEqualTo(403);
    // A bucket with no address rules (and no per-client limit) never looks at the address.
    assertThat(get(proxy, "/open/o.txt", "X-Forwarded-For: unknown"))
        .isEqualTo(new Answer(200, "hello"));
  }

  @Test
  void forwardedAndXForwardedForThatDisagreeFailClosed() throws Exception {
    Answer disagree = get(proxy, "/a/o.txt", "X-Forwarded-For: 8.8.8.8", "Forwarded: for=10.1.2.3");
    assertThat(disagree.status()).isEqualTo(403);
    assertThat(disagree.body()).contains("X-Forwarded-For and Forwarded name different clients.");
    assertThat(get(proxy, "/a/o.txt", "X-Forwarded-For: 10.1.2.3", "Forwarded: for=10.1.2.3"))
        .isEqualTo(new Answer(200, "hello"));
  }

  @Test
  void theAccessLogRecordsTheClientTheRuleUsedAndThePeer() throws Exception {
    String requestId = UUID.randomUUID().toString().replace("-", "");
    Answer answer =
        get(
            proxy,
            "/a/o.txt",
            "X-Request-Id: " + requestId,
            "X-Forwarded-For: 10.1.2.3",
            "X-Forwarded-For: 8.8.8.8");
    assertThat(answer.status()).isEqualTo(403);
    JsonNode line =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> accessLine(requestId), java.util.Objects::nonNull);
    assertThat(line.get("client").asText()).isEqualTo("8.8.8.8");
    assertThat(line.get("peer").asText()).isEqualTo("127.0.0.1");
    assertThat(line.get("status").asInt()).isEqualTo(403);
  }

  @Test
  void thePerClientLimitCannotBeDodgedByRotatingASpoofedFirstLine() throws Exception {
    // The load balancer adds the real client (198.51.100.9) as its own line; the attacker's line
    // in front of it changes on every request.
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      statuses.add(
          get(
                  limited,
                  "/open/o.txt",
                  "X-Forwarded-For: 10.0.0." + i,
                  "X-Forwarded-For: 198.51.100.9")
              .status());
    }
    assertThat(statuses).containsExactly(200, 200, 200);
    assertThat(
            get(
                    limited,
                    "/open/o.txt",
                    "X-Forwarded-For: 10.9.9.9",
                    "X-Forwarded-For: 198.51.100.9")
                .status())
        .isEqualTo(429);
    assertThat(get(limited, "/open/o.txt", "X-Forwarded-For: 10.8.8.8, 198.51.100.9").status())
        .as("the same list in one line")
        .isEqualTo(429);
    assertThat(get(limited, "/open/o.txt", "Forwarded: for=198.51.100.9:4711").status())
        .as("the same client named by Forwarded")
        .isEqualTo(429);
    // Another real client still has its own tokens.
    assertThat(
            get(
                    limited,
                    "/open/o.txt",
                    "X-Forwarded-For: 10.9.9.9",
                    "X-Forwarded-For: 198.51.100.10")
                .status())
        .isEqualTo(200);
    // With a per-client limit on, a client that cannot be named is refused rather than unlimited.
    assertThat(get(limited, "/open/o.txt", "X-Forwarded-For: 198.51.100.9, garbage").status())
        .isEqualTo(403);
  }

  private static JsonNode accessLine(String requestId) throws IOException {
    List<ILoggingEvent> events;
    synchronized (ACCESS) {
      events = new ArrayList<>(ACCESS.list);
    }
    for (ILoggingEvent event : events) {
      String message = event.getFormattedMessage();
      if (message.contains(requestId)) {
        return JSON.readTree(message);
      }
    }
    return null;
  }
}
