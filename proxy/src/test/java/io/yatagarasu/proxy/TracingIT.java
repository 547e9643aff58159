package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.tracing.ProxyTracer;
import io.yatagarasu.testkit.S3ProxyServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces end to end: a real proxy, real s3proxy servers and an OTLP/HTTP collector
 * that decodes the export requests with the OTLP protobuf classes. Spans arrive with the client's
 * trace as their parent, one client span per S3 attempt (a dead primary, then its replica), the
 * bucket, statuses and S3's request id, and no token or secret; sampling 0 and tracing off export
 * nothing.
 */
class TracingIT {
  private static final String SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.U0lHTkFUVVJF";
  private static final String SIGNING_SECRET = "hs256-signing-secret-0123456789abcdef";
  private static final String S3_SECRET = "r-secret-0123456789";

  private static S3ProxyServer replica;
  private static int deadPort;
  private static HttpServer collector;
  private static final ConcurrentLinkedQueue<ResourceSpans> received =
      new ConcurrentLinkedQueue<>();
  private static final AtomicInteger exports = new AtomicInteger();
  private static final ListAppender<ILoggingEvent> ACCESS = new ListAppender<>();
  private static HttpClient http;
  private ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    replica = S3ProxyServer.start("r-key", S3_SECRET);
    replica.createBucket("files");
    replica.putObject(
        "files", "a.txt", "replica".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
            received.addAll(request.getResourceSpansList());
            exports.incrementAndGet();
          }
          byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    collector.start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ACCESS.start();
    ((Logger) LoggerFactory.getLogger("yatagarasu.access")).addAppender(ACCESS);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("yatagarasu.access")).detachAppender(ACCESS);
    collector.stop(0);
    replica.close();
  }

  @AfterEach
  void closeProxy() {
    if (proxy != null) {
      proxy.close();
    }
    received.clear();
    exports.set(0);
    ACCESS.list.clear();
  }

  private static String yaml(String tracing) {
    return """
        server: { listen: 127.0.0.1:0 }
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: true, format: json }
        upstream: { retry: { maxAttempts: 1 } }
        %s
        jwt:
          issuers:
            - { name: corp, issuer: https://idp.example, keys: [ { algorithm: HS256, secret: %s } ] }
        buckets:
          - name: replicated
            pathPrefix: /replicated
            auth: { type: public }
            cache: { enabled: false }
            s3:
              bucket: files
              region: us-east-1
              endpoint: "http://127.0.0.1:%d"
              credentials: { accessKeyId: r-key, secretAccessKey: %s }
              replicas:
                - { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: r-key, secretAccessKey: %s } }
          - name: private
            pathPrefix: /private
            auth: { type: jwt, issuers: [corp] }
            s3: { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: r-key, secretAccessKey: %s } }
          - name: cached
            pathPrefix: /cached
            auth: { type: public }
            cache: { enabled: true, ttl: 1h }
            s3: { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: r-key, secretAccessKey: %s } }
        """
        .formatted(
            tracing,
            SIGNING_SECRET,
            deadPort,
            S3_SECRET,
            replica.port(),
            S3_SECRET,
            replica.port(),
            S3_SECRET,
            replica.port(),
            S3_SECRET);
  }

  private static String tracing(double ratio, String serviceName) {
    return "tracing: { enabled: true, endpoint: \"http://127.0.0.1:%d/v1/traces\", samplingRatio: %s, serviceName: %s, resourceAttributes: { deployment.environment: test } }"
        .formatted(collector.getAddress().getPort(), ratio, serviceName);
  }

  private ProxyServer start(String tracing) throws Exception {
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml(tracing)));
    return proxy;
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.dataAddress().getPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<Span> spans() {
    return received.stream()
        .flatMap(r -> r.getScopeSpansList().stream())
        .flatMap(s -> s.getSpansList().stream())
        .toList();
  }

  /** Flushes the proxy's exporter until the collector holds at least {@code n} spans. */
  private List<Span> awaitSpans(int n) {
    ProxyTracer tracer = proxy.snapshots().current().tracer();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              tracer.flush().join(5, TimeUnit.SECONDS);
              assertThat(spans()).hasSizeGreaterThanOrEqualTo(n);
            });
    return spans();
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    return list.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv ->
                    kv.getValue().hasIntValue()
                        ? Long.toString(kv.getValue().getIntValue())
                        : kv.getValue().getStringValue()));
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Test
  void theClientTraceIsTheParentAndEachS3AttemptIsAChildSpan() throws Exception {
    start(tracing(1.0, "edge-proxy"));
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String clientSpan = "00f067aa0ba902b7";
    HttpResponse<String> r =
        get(
            "/replicated/a.txt",
            "traceparent",
            "00-" + traceId + "-" + clientSpan + "-01",
            "tracestate",
            "vendor=opaque");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("replica");

    List<Span> spans = awaitSpans(3);
    Span server =
        spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().get();
    assertThat(hex(server.getTraceId())).isEqualTo(traceId);
    assertThat(hex(server.getParentSpanId())).isEqualTo(clientSpan);
    assertThat(server.getTraceState()).isEqualTo("vendor=opaque");
    assertThat(server.getName()).isEqualTo("GET /replicated");
    Map<String, String> serverAttributes = attributes(server.getAttributesList());
    assertThat(serverAttributes)
        .containsEntry("http.request.method", "GET")
        .containsEntry("http.route", "/replicated")
        .containsEntry("yatagarasu.bucket", "replicated")
        .containsEntry("http.response.status_code", "200")
        .containsEntry("http.response.body.size", "7")
        .containsEntry("yatagarasu.auth.result", "public")
        .containsEntry("yatagarasu.request_id", r.headers().firstValue("x-request-id").get());

    List<Span> attempts =
        spans.stream()
            .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
            .sorted((a, b) -> Long.compare(a.getStartTimeUnixNano(), b.getStartTimeUnixNano()))
            .toList();
    assertThat(attempts).hasSize(2);
    for (Span attempt : attempts) {
      assertThat(attempt.getTraceId()).isEqualTo(server.getTraceId());
      assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId());
    }
    Map<String, String> dead = attributes(attempts.get(0).getAttributesList());
    assertThat(dead)
        .containsEntry("server.port", Integer.toString(deadPort))
        .containsEntry("error.type", "connect")
        .doesNotContainKey("http.response.status_code");
    Map<String, String> served = attributes(attempts.get(1).getAttributesList());
    assertThat(served)
        .containsEntry("server.port", Integer.toString(replica.port()))
        .containsEntry("http.response.status_code", "200")
        .containsKey("aws.request_id");
    assertThat(served.get("aws.request_id")).isNotBlank();

    String serverSpanId = hex(server.getSpanId());
    assertThat(ACCESS.list.stream().map(ILoggingEvent::getFormattedMessage))
        .anyMatch(
            line ->
                line.contains("\"trace_id\":\"" + traceId + "\"")
                    && line.contains("\"span_id\":\"" + serverSpanId + "\""));

    Map<String, String> resource = attributes(received.peek().getResource().getAttributesList());
    assertThat(resource)
        .containsEntry("service.name", "edge-proxy")
        .containsEntry("deployment.environment", "test");
  }

  @Test
  void theServerSpanSaysWhetherTheCacheAnsweredMissThenHit() throws Exception {
    start("cache: { enabled: true }\n" + tracing(1.0, "edge-proxy"));
    HttpResponse<String> first = get("/cached/a.txt");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
    HttpResponse<String> second = get("/cached/a.txt");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("replica");
    assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
    HttpResponse<String> uncached = get("/replicated/a.txt");
    assertThat(uncached.statusCode()).isEqualTo(200);

    Map<String, Map<String, String>> byRequest = awaitServerSpans(3);
    assertThat(byRequest.get(first.headers().firstValue("x-request-id").get()))
        .containsEntry("yatagarasu.cache.result", "miss")
        .containsEntry("yatagarasu.bucket", "cached");
    assertThat(byRequest.get(second.headers().firstValue("x-request-id").get()))
        .containsEntry("yatagarasu.cache.result", "hit")
        .containsEntry("http.response.body.size", "7");
    // A bucket the cache does not serve says nothing about the cache.
    assertThat(byRequest.get(uncached.headers().firstValue("x-request-id").get()))
        .containsEntry("yatagarasu.bucket", "replicated")
        .doesNotContainKey("yatagarasu.cache.result");
  }

  /** Flushes until {@code n} server spans arrived; their attributes by request id. */
  private Map<String, Map<String, String>> awaitServerSpans(int n) {
    ProxyTracer tracer = proxy.snapshots().current().tracer();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              tracer.flush().join(5, TimeUnit.SECONDS);
              assertThat(spans())
                  .filteredOn(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                  .hasSizeGreaterThanOrEqualTo(n);
            });
    return spans().stream()
        .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .map(s -> attributes(s.getAttributesList()))
        .collect(Collectors.toMap(a -> a.get("yatagarasu.request_id"), a -> a));
  }

  @Test
  void aRefusedRequestCarriesItsReasonAndNoTokenOrSecret() throws Exception {
    start(tracing(1.0, "edge-proxy"));
    HttpResponse<String> r = get("/private/a.txt", "Authorization", "Bearer " + SECRET_TOKEN);
    assertThat(r.statusCode()).isEqualTo(401);
    List<Span> spans = awaitSpans(1);
    Span server = spans.get(0);
    assertThat(attributes(server.getAttributesList()))
        .containsEntry("yatagarasu.auth.result", "refused")
        .containsEntry("http.response.status_code", "401")
        .containsKey("yatagarasu.auth.reason");
    String everything =
        received.stream().map(ResourceSpans::toString).collect(Collectors.joining("\n"));
    assertThat(everything)
        .doesNotContain(SECRET_TOKEN)
        .doesNotContain("c2VjcmV0LXRva2Vu")
        .doesNotContain("U0lHTkFUVVJF")
        .doesNotContain(SIGNING_SECRET)
        .doesNotContain(S3_SECRET)
        .doesNotContain("Bearer");
  }

  @Test
  void samplingRatioZeroExportsNothing() throws Exception {
    start(tracing(0, "edge-proxy"));
    for (int i = 0; i < 5; i++) {
      assertThat(get("/replicated/a.txt").statusCode()).isEqualTo(200);
    }
    ProxyTracer tracer = proxy.snapshots().current().tracer();
    assertThat(tracer.on()).isTrue();
    assertThat(tracer.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(spans()).isEmpty();
    assertThat(exports.get()).isZero();
  }

  @Test
  void tracingOffSendsNothingAndHoldsNoSdk() throws Exception {
    start(
        "tracing: { enabled: false, endpoint: \"http://127.0.0.1:"
            + collector.getAddress().getPort()
            + "/v1/traces\" }");
    assertThat(proxy.snapshots().current().tracer().on()).isFalse();
    assertThat(proxy.snapshots().current().tracer()).isSameAs(ProxyTracer.OFF);
    for (int i = 0; i < 3; i++) {
      assertThat(
              get(
                      "/replicated/a.txt",
                      "traceparent",
                      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                  .statusCode())
          .isEqualTo(200);
    }
    assertThat(proxy.snapshots().current().tracer().flush().join(5, TimeUnit.SECONDS).isSuccess())
        .isTrue();
    assertThat(exports.get()).isZero();
  }

  @Test
  void aSwapThatChangesTracingRebuildsTheTracerAndKeepsOneThatDidNotChange() throws Exception {
    start(tracing(1.0, "before"));
    ProxyTracer first = proxy.snapshots().current().tracer();
    assertThat(get("/replicated/a.txt").statusCode()).isEqualTo(200);
    awaitSpans(1);

    // A change elsewhere in the document keeps the tracer.
    apply(yaml(tracing(1.0, "before")).replace("format: json", "format: text"));
    assertThat(proxy.snapshots().current().tracer()).isSameAs(first);

    apply(yaml(tracing(1.0, "after")));
    ProxyTracer second = proxy.snapshots().current().tracer();
    assertThat(second).isNotSameAs(first);
    received.clear();
    assertThat(get("/replicated/a.txt").statusCode()).isEqualTo(200);
    awaitSpans(1);
    List<String> services = new ArrayList<>();
    for (ResourceSpans r : received) {
      services.add(attributes(r.getResource().getAttributesList()).get("service.name"));
    }
    assertThat(services).containsOnly("after");

    apply(yaml("tracing: { enabled: false }"));
    assertThat(proxy.snapshots().current().tracer()).isSameAs(ProxyTracer.OFF);
  }

  private void apply(String yaml) throws Exception {
    var result =
        proxy
            .snapshots()
            .apply(
                new ConfigDocument(
                    new ConfigParser(Environment.of(Map.of())).parseYaml(yaml),
                    OptionalLong.empty()),
                OptionalLong.empty(),
                "test");
    assertThat(result.status()).isEqualTo(SnapshotManager.Status.APPLIED);
  }
}
