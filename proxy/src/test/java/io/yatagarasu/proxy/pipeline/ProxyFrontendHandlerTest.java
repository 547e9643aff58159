package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.S3Credentials;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.Transport;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.Transports;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.s3.CredentialSource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests the frontend answers by itself, without asking S3. */
class ProxyFrontendHandlerTest {
  private static MultiThreadIoEventLoopGroup group;
  private static Upstreams upstreams;
  private static SnapshotManager snapshot;
  private static SnapshotManager empty;
  private static ProxyMetrics metrics;
  private static java.util.concurrent.ExecutorService blocking;
  private static CredentialSource chain;
  private EmbeddedChannel channel;

  private static ProxySnapshot.Services services(ProxyMetrics metrics) {
    return new ProxySnapshot.Services(
        upstreams,
        chain,
        metrics,
        new JwksRegistry(
            blocking, Executors.newSingleThreadScheduledExecutor(), System::currentTimeMillis),
        System::currentTimeMillis);
  }

  @BeforeAll
  static void buildSnapshot() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    upstreams = new Upstreams(group, Transports.select(Transport.NIO));
    BucketConfig bucket =
        new BucketConfig(
            "assets",
            "/assets",
            new S3Target(
                "my-assets",
                "us-east-1",
                URI.create("http://127.0.0.1:1"),
                true,
                "",
                new S3Credentials("AKIDEXAMPLE", "secret-value", null)),
            new AuthConfig(AuthType.PUBLIC));
    ProxyConfig config =
        new ProxyConfig(
            ServerConfig.defaults(),
            AdminConfig.defaults(),
            UpstreamConfig.defaults(),
            LoggingConfig.defaults(),
            List.of(bucket));
    metrics = new ProxyMetrics();
    blocking = Executors.newSingleThreadExecutor();
    chain = CredentialSource.defaultChain(blocking);
    snapshot = new SnapshotManager(services(metrics));
    snapshot.apply(new ConfigDocument(config, OptionalLong.empty()), OptionalLong.empty(), "test");
    empty = new SnapshotManager(services(metrics));
  }

  @AfterAll
  static void close() {
    snapshot.close();
    upstreams.close();
    group.shutdownGracefully().syncUninterruptibly();
  }

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  private String exchange(SnapshotManager current, String request) {
    channel =
        new EmbeddedChannel(
            new HttpServerCodec(256 + 32, 1024, 8192),
            new ProxyFrontendHandler(new ServerContext(current, metrics)));
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    StringBuilder out = new StringBuilder();
    ByteBuf buf;
    while ((buf = channel.readOutbound()) != null) {
      out.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return out.toString();
  }

  private String get(String path) {
    return exchange(snapshot, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  @Test
  void answersHealthOnTheDataPort() {
    String response = get("/health");
    assertThat(response).startsWith("HTTP/1.1 200 OK").contains("{\"status\":\"ok\"}");
  }

  @Test
  void unknownPathGets404() {
    assertThat(get("/nothing/here.txt"))
        .startsWith("HTTP/1.1 404")
        .contains("\"error\":\"NoSuchBucket\"")
        .contains("application/json");
  }

  @Test
  void prefixIsMatchedOnWholeSegments() {
    assertThat(get("/assetsx/file.txt")).startsWith("HTTP/1.1 404");
  }

  @Test
  void bucketRootGets404WithoutListing() {
    assertThat(get("/assets")).startsWith("HTTP/1.1 404").contains("listing is not supported");
    assertThat(get("/assets/")).startsWith("HTTP/1.1 404").contains("listing is not supported");
  }

  @Test
  void traversalGets400() {
    assertThat(get("/assets/%2e%2e/secret")).startsWith("HTTP/1.1 400").contains("InvalidPath");
    assertThat(get("/assets/..%2fsecret")).startsWith("HTTP/1.1 400");
    assertThat(get("/assets/a%00b")).startsWith("HTTP/1.1 400");
  }

  @Test
  void otherMethodsGet405WithAllow() {
    for (String method : List.of("PUT", "POST", "DELETE", "PATCH", "OPTIONS")) {
      String response =
          exchange(
              snapshot,
              method + " /assets/a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(response)
          .as(method)
          .startsWith("HTTP/1.1 405")
          .contains("allow: GET, HEAD")
          .contains("MethodNotAllowed");
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void keepsASaneRequestIdAndReplacesAHostileOne() {
    assertThat(exchange(snapshot, "GET /nope/x HTTP/1.1\r\nX-Request-Id: abc-123.x_y\r\n\r\n"))
        .contains("x-request-id: abc-123.x_y")
        .contains("\"requestId\":\"abc-123.x_y\"");
    channel.finishAndReleaseAll();
    String hostile =
        exchange(snapshot, "GET /nope/x HTTP/1.1\r\nX-Request-Id: a\"b<script>\r\n\r\n");
    assertThat(hostile).doesNotContain("<script>").containsPattern("x-request-id: [0-9a-f]{32}");
  }

  @Test
  void tooLongUriGets414() {
    String response = get("/assets/" + "a".repeat(600));
    assertThat(response).startsWith("HTTP/1.1 414").contains("connection: close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void tooLargeHeadersGet431() {
    String response =
        exchange(snapshot, "GET /assets/a HTTP/1.1\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 431");
  }

  @Test
  void garbageGets400() {
    assertThat(exchange(snapshot, "NOT HTTP AT ALL\r\n\r\n")).startsWith("HTTP/1.1 400");
  }

  @Test
  void notReadyBeforeAnySnapshot() {
    assertThat(exchange(empty, "GET /assets/a HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 503")
        .contains("ServiceUnavailable");
  }

  @Test
  void headErrorsCarryNoBody() {
    String response = exchange(snapshot, "HEAD /nothing/x HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 404").doesNotContain("{");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    String response =
        exchange(
            snapshot,
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /nothing/x HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    int first = response.indexOf("HTTP/1.1 200");
    int second = response.indexOf("HTTP/1.1 404");
    int third = response.indexOf("HTTP/1.1 200", second);
    assertThat(first).isZero();
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
  }

  @Test
  void anHttp2StreamIsAnsweredAtItsHeadersWhileTheClientKeepsItOpen() {
    // What Http2StreamFrameToHttpObjectCodec passes on for HEADERS without END_STREAM: a head with
    // no last content, and no Host (the stream's :authority stands for it).
    channel =
        new EmbeddedChannel(new ProxyFrontendHandler(new ServerContext(snapshot, metrics), false));
    channel.writeInbound(
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/nothing/x"));
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).isNotNull();
    assertThat(response.status().code()).isEqualTo(404);
    assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("NoSuchBucket");
    response.release();
    assertThat(channel.isOpen()).isTrue();
  }
}
