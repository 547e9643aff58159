package io.yatagarasu.proxy;

import static io.yatagarasu.proxy.auth.TestKeys.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.netty.util.internal.PlatformDependent;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.RawHttp.Answer;
import io.yatagarasu.proxy.auth.TestKeys;
import io.yatagarasu.testkit.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The request fuzzer: thousands of generated connections (request lines, methods, versions, targets
 * and their encodings, headers, tokens, bodies and their framing, smuggling attempts, pipelining
 * and half-closes) from a fixed seed, over raw sockets, against a proxy in front of a real s3proxy,
 * with invariants checked on every answer and on the process afterwards.
 *
 * <p>{@code -Dyatagarasu.fuzz.cases=N} and {@code -Dyatagarasu.fuzz.seed=S} choose the run; a
 * failure names the case and its seed, and the same seed replays the same bytes.
 */
class RequestFuzzIT {
  private static final int CASES = Integer.getInteger("yatagarasu.fuzz.cases", 1000);
  private static final long SEED = Long.getLong("yatagarasu.fuzz.seed", 0x5EED_F022L);
  private static final int THREADS = 4;

  private static final String SECRET = "fuzz-secret-key-0123456789";
  private static final String ADMIN_TOKEN = "fuzz-admin-token-abcdefghijkl";
  private static final String ISS = "https://login.fuzz.test";
  private static final String LEAK_MARKER = "fuzzLeakMarker";
  private static final byte[] HELLO = "hello, fuzz\n".getBytes(StandardCharsets.UTF_8);

  // The proxy's timeouts; a read waits longer than any answer may take, then counts as a hang.
  private static final int HEAD_TIMEOUT_MS = 1_000;
  private static final int RESPONSE_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = HEAD_TIMEOUT_MS + RESPONSE_TIMEOUT_MS + 10_000;

  private static final SecretWatch LOGS = new SecretWatch();

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static int port;
  private static int adminPort;
  private static List<String> tokens;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("fuzz-key", SECRET);
    store.createBucket("files");
    store.putObject("files", "hello.txt", HELLO, "text/plain", Map.of());
    store.putObject("files", "dir/a b.txt", HELLO, "text/plain", Map.of());
    store.putObject("files", "unicode-ü.txt", HELLO, "text/plain", Map.of());
    store.putGeneratedObject("files", "big.bin", 256 * 1024);
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, ADMIN_TOKEN + "\n");
    String yaml =
        """
        server:
          listen: 127.0.0.1:0
          requestHeaderTimeout: %dms
          idleTimeout: 3s
          maxRequestHeaderBytes: 8192
          maxUriBytes: 2048
        admin: { listen: 127.0.0.1:0, tokenFile: "%s", maxBodyBytes: 65536 }
        upstream: { responseTimeout: %dms }
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
            cors: { allowedOrigins: ["https://app.test"], allowedMethods: [GET, HEAD] }
          - name: jwt
            pathPrefix: /jwt
            s3: S3
            auth: { type: jwt, issuers: [corp] }
        """
            .formatted(HEAD_TIMEOUT_MS, tokenFile, RESPONSE_TIMEOUT_MS, ISS, TestKeys.HMAC_SECRET)
            .replace(
                "s3: S3",
                "s3: { bucket: files, region: us-east-1, endpoint: \""
                    + store.endpoint()
                    + "\", credentials: { accessKeyId: fuzz-key, secretAccessKey: "
                    + SECRET
                    + " } }");
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    port = proxy.dataAddress().getPort();
    adminPort = proxy.adminAddress().getPort();

    long now = System.currentTimeMillis();
    String valid = TestKeys.hs256(TestKeys.HMAC_SECRET, "shared", claims(ISS, now).build());
    String expired =
        TestKeys.hs256(
            TestKeys.HMAC_SECRET,
            "shared",
            claims(ISS, now - 7_200_000L)
                .expirationTime(new java.util.Date(now - 3_600_000L))
                .build());
    String wrongAudience =
        TestKeys.hs256(
            TestKeys.HMAC_SECRET, "shared", claims(ISS, now).audience("someone-else").build());
    tokens = List.of(valid, expired, wrongAudience);
    for (String token : tokens) {
      LOGS.secrets.add(token.substring(token.lastIndexOf('.') + 1));
    }
    LOGS.secrets.addAll(List.of(SECRET, ADMIN_TOKEN, TestKeys.HMAC_SECRET, LEAK_MARKER));
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void generatedRequestsKeepEveryInvariant() throws Exception {
    warmUp();
    long fdsBefore = openFds();
    long heapBefore = heapAfterGc();
    long directBefore = PlatformDependent.usedDirectMemory();

    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicInteger nextCase = new AtomicInteger();
    AtomicLong answers = new AtomicLong();
    List<String> slow = new CopyOnWriteArrayList<>();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            clients.submit(
                () -> {
                  for (int n = nextCase.getAndIncrement();
                      n < CASES && violations.size() < 20;
                      n = nextCase.getAndIncrement()) {
                    FuzzCase c = FuzzCase.generate(n, new Random(SEED * 1_000_003L + n), tokens);
                    long began = System.nanoTime();
                    try {
                      for (Answer a : run(c, violations)) {
                        answers.incrementAndGet();
                        statuses
                            .computeIfAbsent(a.status(), s -> new AtomicInteger())
                            .incrementAndGet();
                      }
                    } catch (IOException | RuntimeException e) {
                      violations.add(c.describe() + ": client failed: " + e);
                    }
                    long millis = (System.nanoTime() - began) / 1_000_000;
                    if (millis >= 500 && slow.size() < 10) {
                      slow.add(c.describe() + " " + millis + "ms");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      clients.shutdownNow();
    }
    LoggerFactory.getLogger(RequestFuzzIT.class)
        .info(
            "fuzz cases={} seed={} answers={} statuses={} slowest={}",
            Math.min(nextCase.get(), CASES),
            SEED,
            answers.get(),
            new java.util.TreeMap<>(statuses),
            slow);

    assertThat(violations).as("invariant violations (seed %d)", SEED).isEmpty();
    assertThat(LOGS.leaks).as("secrets in log lines").isEmpty();

    // The process still serves, and what the cases held is given back.
    try (RawHttp c = new RawHttp(port, READ_TIMEOUT_MS)) {
      Answer ok = c.send(RawHttp.get("/pub/hello.txt", List.of())).answer();
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo(HELLO);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(openFds()).as("open file descriptors").isLessThan(fdsBefore + 16);
              assertThat(PlatformDependent.usedDirectMemory())
                  .as("Netty direct memory")
                  .isLessThanOrEqualTo(directBefore + 8L * 1024 * 1024);
              assertThat(heapAfterGc()).as("heap after GC").isLessThan(heapBefore + (64L << 20));
            });
  }

  static String adminToken() {
    return ADMIN_TOKEN;
  }

  static String leakMarker() {
    return LEAK_MARKER;
  }

  private static void warmUp() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (RawHttp c = new RawHttp(port, READ_TIMEOUT_MS)) {
        assertThat(c.send(RawHttp.get("/pub/hello.txt", List.of())).answer().status())
            .isEqualTo(200);
      }
    }
  }

  /** Sends one case's bytes, reads every answer, and checks the answers' invariants. */
  private static List<Answer> run(FuzzCase c, List<String> violations) throws IOException {
    List<Answer> answers = new ArrayList<>();
    try (RawHttp conn = new RawHttp(c.admin ? adminPort : port, READ_TIMEOUT_MS)) {
      try {
        conn.send(c.bytes);
        if (c.halfClose) {
          conn.shutdownOutput();
        }
      } catch (IOException e) {
        // The proxy may refuse and close before the client has written everything.
      }
      Set<String> seen = new java.util.HashSet<>();
      while (true) {
        RawHttp.Outcome outcome;
        try {
          outcome = conn.read(c.headAt(answers.size()));
        } catch (IOException e) {
          outcome = new RawHttp.Closed();
          if (!(e instanceof java.net.SocketException)) {
            violations.add(c.describe() + ": malformed answer: " + e.getMessage());
          }
        }
        if (outcome instanceof RawHttp.Silent) {
          violations.add(c.describe() + ": no answer and no close within the timeouts");
          break;
        }
        if (!(outcome instanceof RawHttp.Got got)) {
          break;
        }
        Answer a = got.answer();
        if (a.status() < 200) {
          continue; // an interim answer (100 Continue) is not the request's answer
        }
        answers.add(a);
        check(c, a, seen, violations);
        if (answers.size() > c.requests) {
          violations.add(c.describe() + ": more answers than requests");
          break;
        }
        if (!c.halfClose && answers.size() == c.requests && !a.closes()) {
          break;
        }
      }
    }
    return answers;
  }

  private static void check(FuzzCase c, Answer a, Set<String> seen, List<String> violations) {
    int status = a.status();
    String id = a.header("x-request-id");
    if (status >= 500
        && status != 502
        && status != 503
        && status != 504
        && !(status == 505 && c.oddVersion)) {
      violations.add(c.describe() + ": status " + status + " " + a.text());
    }
    if (id != null && id.startsWith("smug")) {
      violations.add(c.describe() + ": answered a smuggled request " + id);
    }
    if (id != null && !seen.add(id)) {
      violations.add(c.describe() + ": two answers for " + id);
    }
    String body = a.text();
    for (String secret : LOGS.secrets) {
      if (body.contains(secret) || a.headers().toString().contains(secret)) {
        violations.add(c.describe() + ": a secret in the answer");
      }
    }
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long heapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  /** Checks every log event as it is appended, keeping only the ones that carry a secret. */
  private static final class SecretWatch extends AppenderBase<ILoggingEvent> {
    final List<String> secrets = new CopyOnWriteArrayList<>();
    final List<String> leaks = Collections.synchronizedList(new ArrayList<>());

    @Override
    protected void append(ILoggingEvent event) {
      StringBuilder text = new StringBuilder(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(' ').append(t.getMessage());
      }
      for (String secret : secrets) {
        if (text.indexOf(secret) >= 0 && leaks.size() < 10) {
          leaks.add(event.getLoggerName() + ": " + text);
        }
      }
    }
  }

  /** One generated connection: its bytes and what the invariants need to know about them. */
  static final class FuzzCase {
    final int number;
    final List<String> shape = new ArrayList<>();
    byte[] bytes;
    int requests;
    boolean halfClose;
    boolean admin;
    boolean oddVersion;
    final List<Boolean> heads = new ArrayList<>();

    private FuzzCase(int number) {
      this.number = number;
    }

    boolean headAt(int index) {
      return index < heads.size() && heads.get(index);
    }

    String describe() {
      return "case " + number + " seed " + SEED + " " + shape;
    }

    static FuzzCase generate(int number, Random r, List<String> tokens) {
      FuzzCase c = new FuzzCase(number);
      RequestGenerator g = new RequestGenerator(r, tokens, c);
      StringBuilder out = new StringBuilder();
      c.admin = r.nextInt(10) == 0;
      int count = 1 + (r.nextInt(4) == 0 ? r.nextInt(20) : r.nextInt(3));
      for (int i = 0; i < count; i++) {
        boolean ends = c.admin ? g.admin(out, i) : g.request(out, i);
        if (ends) {
          break;
        }
      }
      // Most clients half-close after their requests (every answer then ends in a close); the
      // rest stay connected and are done after as many answers as requests.
      c.halfClose = r.nextInt(5) != 0 || c.requests == 0;
      if (r.nextInt(40) == 0) {
        // A head cut short: answered by the head timeout or the half-close.
        out.append("GET /pub/hello.txt HTTP/1.1\r\nHost: x\r\nX-Cut: ");
        c.shape.add("cut");
        c.halfClose = true;
        c.requests++; // answered 400 or 408, or only closed
        c.heads.add(false);
      }
      c.bytes = out.toString().getBytes(StandardCharsets.ISO_8859_1);
      return c;
    }
  }
}
