package io.yatagarasu.proxy;

import static io.yatagarasu.proxy.auth.TestKeys.claims;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.RawHttp.Answer;
import io.yatagarasu.proxy.auth.TestKeys;
import io.yatagarasu.testkit.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Hostile clients over raw sockets: malformed query escapes, chunked bodies, duplicate credentials
 * and hosts, odd request lines, half-closes, deep pipelines, and abuse of the admin listener. Each
 * test pins one defect that an outside hostile test found.
 */
class HostileRequestIT {
  private static final String SECRET = "hostile-secret-0123456789";
  private static final String ADMIN_TOKEN = "hostile-admin-token-abcdefgh";
  private static final String ISS = "https://login.hostile.test";
  private static final byte[] HELLO = "hello, hostile\n".getBytes(StandardCharsets.UTF_8);
  private static final int READ_TIMEOUT_MS = 15_000;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static int port;
  private static int adminPort;

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    store = S3ProxyServer.start("hostile-key", SECRET);
    store.createBucket("files");
    store.putObject("files", "hello.txt", HELLO, "text/plain", Map.of());
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, ADMIN_TOKEN + "\n");
    String yaml =
        """
        server: { listen: 127.0.0.1:0, requestHeaderTimeout: 2s, idleTimeout: 30s }
        admin: { listen: 127.0.0.1:0, tokenFile: "%s", maxBodyBytes: 65536 }
        upstream: { maxConnectionsPerEndpoint: 2 }
        jwt:
          issuers:
            - name: corp
              issuer: %s
              audiences: [assets-api]
              keys:
                - { kid: shared, algorithm: HS256, secret: "%s" }
          tokenSources:
            - { header: Authorization, prefix: "Bearer " }
            - { query: access_token }
            - { cookie: session }
        buckets:
          - name: pub
            pathPrefix: /pub
            s3: S3
            auth: { type: public }
          - name: jwt
            pathPrefix: /jwt
            s3: S3
            auth: { type: jwt, issuers: [corp] }
        """
            .formatted(tokenFile, ISS, TestKeys.HMAC_SECRET)
            .replace(
                "s3: S3",
                "s3: { bucket: files, region: us-east-1, endpoint: \""
                    + store.endpoint()
                    + "\", credentials: { accessKeyId: hostile-key, secretAccessKey: "
                    + SECRET
                    + " } }");
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    port = proxy.dataAddress().getPort();
    adminPort = proxy.adminAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
  }

  private static RawHttp connect() throws Exception {
    return new RawHttp(port, READ_TIMEOUT_MS);
  }

  private static RawHttp admin() throws Exception {
    return new RawHttp(adminPort, READ_TIMEOUT_MS);
  }

  private static Answer get(String target, String... headers) throws Exception {
    try (RawHttp c = connect()) {
      return c.send(RawHttp.get(target, List.of(headers))).answer();
    }
  }

  private static String token() throws Exception {
    return TestKeys.hs256(
        TestKeys.HMAC_SECRET, "shared", claims(ISS, System.currentTimeMillis()).build());
  }

  // Defect 1: a malformed escape in the query string.

  @ParameterizedTest
  @ValueSource(strings = {"x=%ZZ", "%", "versionId=%", "partNumber=%G0", "a=1&b=%4"})
  void malformedQueryEscapeGets400(String query) throws Exception {
    Answer answer = get("/pub/hello.txt?" + query);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.text()).contains("\"error\":\"InvalidQuery\"").contains("\"requestId\":");
  }

  @Test
  void malformedAccessTokenEscapeGets400() throws Exception {
    Answer answer = get("/jwt/hello.txt?access_token=%ZZ");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.text()).contains("\"error\":\"InvalidQuery\"");
  }

  @Test
  void malformedQueriesHoldNoUpstreamConnection() throws Exception {
    // The endpoint has two pooled connections per event loop; twenty malformed requests whose
    // clients stay connected must not take them from everyone else.
    List<RawHttp> hostile = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        RawHttp c = connect();
        hostile.add(c);
        c.send(RawHttp.get("/pub/hello.txt?x=%ZZ" + i, List.of()));
      }
      for (RawHttp c : hostile) {
        assertThat(c.answer().status()).isEqualTo(400);
      }
      for (int i = 0; i < 4; i++) {
        Answer ok = get("/pub/hello.txt");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(HELLO);
      }
    } finally {
      for (RawHttp c : hostile) {
        c.close();
      }
    }
  }

  @Test
  void wellFormedEscapesInTheQueryStillWork() throws Exception {
    assertThat(get("/pub/hello.txt?x=%41%20b&y=%E3%81%82").status()).isEqualTo(200);
  }

  // Defect 4: a malformed chunked request body.

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zz\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n",
        "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
        "5\nhello\r\n0\r\n\r\n",
        "5\r\nhelloEXTRA\r\n0\r\n\r\n"
      })
  void malformedChunkedBodyGets400AndCloseWithNothingSmuggled(String body) throws Exception {
    try (RawHttp c = connect()) {
      c.send(
          "GET /pub/hello.txt HTTP/1.1\r\nHost: proxy.test\r\nTransfer-Encoding: chunked\r\n\r\n"
              + body
              + "GET /pub/smuggled.txt HTTP/1.1\r\nHost: proxy.test\r\n\r\n");

      Answer answer = c.answer();
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.text()).contains("\"error\":\"BadRequest\"");
      assertThat(answer.closes()).isTrue();
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
  }

  @Test
  void wellFormedChunkedBodyOnGetIsDiscardedAndTheConnectionKeptAlive() throws Exception {
    try (RawHttp c = connect()) {
      c.send(
          "GET /pub/hello.txt HTTP/1.1\r\nHost: proxy.test\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\nhello\r\n0\r\n\r\n"
              + RawHttp.get("/pub/hello.txt", List.of()));

      assertThat(c.answer().status()).isEqualTo(200);
      assertThat(c.answer().body()).isEqualTo(HELLO);
    }
  }

  // Defect 6: more than one credential.

  @Test
  void duplicateAuthorizationHeadersGet400InEitherOrder() throws Exception {
    String good = "Authorization: Bearer " + token();
    String forged = "Authorization: Bearer abc.def.ghi";

    Answer first = get("/jwt/hello.txt", good, forged);
    Answer second = get("/jwt/hello.txt", forged, good);

    assertThat(first.status()).isEqualTo(400);
    assertThat(first.text()).contains("\"error\":\"InvalidRequest\"");
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.text()).contains("\"error\":\"InvalidRequest\"");
  }

  @Test
  void tokensInTwoSourcesThatDisagreeGet400() throws Exception {
    String good = token();

    assertThat(get("/jwt/hello.txt?access_token=abc.def.ghi", "Authorization: Bearer " + good))
        .extracting(Answer::status)
        .isEqualTo(400);
    assertThat(get("/jwt/hello.txt", "Authorization: Bearer " + good, "Cookie: session=x.y.z"))
        .extracting(Answer::status)
        .isEqualTo(400);
    assertThat(get("/jwt/hello.txt?access_token=" + good + "&access_token=a.b.c"))
        .extracting(Answer::status)
        .isEqualTo(400);
  }

  @Test
  void theSameTokenInTwoSourcesIsAccepted() throws Exception {
    String good = token();

    Answer answer =
        get(
            "/jwt/hello.txt?access_token=" + good,
            "Authorization: Bearer " + good,
            "Cookie: session=" + good);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(HELLO);
  }

  // Host, request targets and versions.

  @Test
  void missingHostGets400() throws Exception {
    try (RawHttp c = connect()) {
      Answer answer = c.send("GET /pub/hello.txt HTTP/1.1\r\n\r\n").answer();
      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.text()).contains("\"error\":\"BadRequest\"");
    }
  }

  @Test
  void duplicateHostGets400() throws Exception {
    assertThat(get("/pub/hello.txt", "Host: other.test").status()).isEqualTo(400);
  }

  @Test
  void http10WithoutHostIsServed() throws Exception {
    try (RawHttp c = connect()) {
      Answer answer = c.send("GET /pub/hello.txt HTTP/1.0\r\n\r\n").answer();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo(HELLO);
    }
  }

  @Test
  void absoluteFormTargetIsServedByItsPath() throws Exception {
    Answer answer = get("http://proxy.test/pub/hello.txt");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(HELLO);
    assertThat(get("http://proxy.test").status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2.0", "HTTP/9.9", "HTTP/0.9"})
  void requestLineWithAnotherMajorVersionGets505(String version) throws Exception {
    try (RawHttp c = connect()) {
      Answer answer =
          c.send("GET /pub/hello.txt " + version + "\r\nHost: proxy.test\r\n\r\n").answer();
      assertThat(answer.status()).isEqualTo(505);
      assertThat(answer.text()).contains("\"error\":\"HttpVersionNotSupported\"");
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
  }

  @Test
  void halfClosedClientGetsItsAnswersThenClose() throws Exception {
    try (RawHttp c = connect()) {
      c.send(RawHttp.get("/pub/hello.txt", List.of()) + RawHttp.get("/pub/hello.txt", List.of()));
      c.shutdownOutput();

      assertThat(c.answer().body()).isEqualTo(HELLO);
      assertThat(c.answer().body()).isEqualTo(HELLO);
      assertThat(c.closedWithoutAnswer()).isTrue();
    }
  }

  @Test
  void pipelinedRequestsBeyondTheLimitAreRefusedExplicitly() throws Exception {
    int sent = 24;
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < sent; i++) {
      burst.append(RawHttp.get("/pub/hello.txt", List.of("X-Request-Id: pipe-" + i)));
    }
    try (RawHttp c = connect()) {
      c.send(burst.toString());
      List<Answer> answers = new ArrayList<>();
      for (RawHttp.Outcome o = c.read(false); o instanceof RawHttp.Got got; o = c.read(false)) {
        answers.add(got.answer());
      }

      // One in progress and sixteen waiting are answered; the next is refused and the
      // connection closed, so a client knows the rest were not processed.
      assertThat(answers).hasSize(18);
      for (int i = 0; i < 17; i++) {
        assertThat(answers.get(i).status()).isEqualTo(200);
        assertThat(answers.get(i).header("x-request-id")).isEqualTo("pipe-" + i);
      }
      Answer refused = answers.get(17);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.text()).contains("\"error\":\"TooManyPipelinedRequests\"");
      assertThat(refused.closes()).isTrue();
    }
  }

  // Defect 5 and the admin listener.

  @Test
  void adminDocumentSyntaxErrorsQuoteNoInput() throws Exception {
    String leak = "hAdmLeakSecretValue0123";
    String body =
        "{\"buckets\": [{\"name\": \"x\", \"s3\": {\"credentials\": {\"secretAccessKey\": "
            + leak
            + "}}}]}";
    try (RawHttp c = admin()) {
      Answer answer =
          c.send(
                  "PUT /admin/config HTTP/1.1\r\nHost: admin.test\r\nAuthorization: Bearer "
                      + ADMIN_TOKEN
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
              .answer();

      assertThat(answer.status()).isEqualTo(422);
      assertThat(answer.text())
          .contains("buckets[0].s3.credentials.secretAccessKey")
          .doesNotContain(leak.substring(0, 8));
    }
    assertThat(LOGS.list).anyMatch(e -> e.getFormattedMessage().contains("configuration rejected"));
    for (ILoggingEvent e : LOGS.list) {
      assertThat(e.getFormattedMessage()).doesNotContain(leak.substring(0, 8));
    }
  }

  @Test
  void adminRefusesAnUnauthenticatedBodyBeforeReadingIt() throws Exception {
    try (RawHttp c = admin()) {
      Answer answer =
          c.send(
                  "PUT /admin/config HTTP/1.1\r\nHost: admin.test\r\nContent-Length: 16000000\r\n"
                      + "Content-Type: application/json\r\n\r\n{\"a\":")
              .answer();

      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.closes()).isTrue();
    }
  }

  @Test
  void adminRefusesAnOversizedBodyFromItsHead() throws Exception {
    try (RawHttp c = admin()) {
      Answer answer =
          c.send(
                  "PUT /admin/config HTTP/1.1\r\nHost: admin.test\r\nAuthorization: Bearer "
                      + ADMIN_TOKEN
                      + "\r\nContent-Length: 16000000\r\n\r\n{")
              .answer();

      assertThat(answer.status()).isEqualTo(413);
    }
  }

  @Test
  void adminClosesAHalfSentHeadAfterTheHeadTimeout() throws Exception {
    try (RawHttp c = admin()) {
      c.send("GET /metrics HTTP/1.1\r\nHost: admin.test\r\nX-Slow: ");

      RawHttp.Outcome outcome = c.read(false);
      if (outcome instanceof RawHttp.Got got) {
        assertThat(got.answer().status()).isEqualTo(408);
        assertThat(c.closedWithoutAnswer()).isTrue();
      } else {
        assertThat(outcome).isInstanceOf(RawHttp.Closed.class);
      }
    }
  }

  @Test
  void adminCapsItsConnections() throws Exception {
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        held.add(admin());
      }
      // Every held connection has been accepted once one of them answers.
      Answer health =
          held.get(63).send("GET /health HTTP/1.1\r\nHost: admin.test\r\n\r\n").answer();
      assertThat(health.status()).isEqualTo(200);
      try (RawHttp extra = admin()) {
        try {
          extra.send("GET /health HTTP/1.1\r\nHost: admin.test\r\n\r\n");
        } catch (java.io.IOException closedAlready) {
          // the proxy may have closed it before the request was written
        }
        assertThat(extra.closedWithoutAnswer()).isTrue();
      }
    } finally {
      for (RawHttp c : held) {
        c.close();
      }
    }
    // Once the held connections are gone the listener serves again.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              try (RawHttp c = admin()) {
                assertThat(
                        c.send("GET /health HTTP/1.1\r\nHost: admin.test\r\n\r\n")
                            .answer()
                            .status())
                    .isEqualTo(200);
              }
            });
  }
}
