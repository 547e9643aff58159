package io.yatagarasu.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.SnapshotManager.ApplyResult;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.ServedCertificate;
import io.yatagarasu.proxy.routing.PathNormalizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

/**
 * The admin listener: {@code /health}, {@code /ready}, {@code /metrics}, and the admin API under
 * {@code /admin} ({@code GET}/{@code PUT /admin/config}, {@code GET /admin/cache}, {@code POST
 * /admin/cache/purge}, {@code GET /admin/tls}), which needs the bearer token of {@code
 * admin.tokenFile} and is off (404) without one. It keeps answering whatever the data configuration
 * does, and never shows a secret.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  /** The header that carries a pushed configuration's generation. */
  public static final String GENERATION_HEADER = "X-Config-Generation";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String SOURCE = "admin";

  private final SnapshotManager snapshots;
  private final ProxyMetrics metrics;
  private final Executor blocking;
  private final AdminToken token;
  private final java.util.function.BooleanSupplier draining;
  private final ObjectCache cache;
  // Null when the server warms nothing (tests of the handler alone).
  private final io.yatagarasu.proxy.pipeline.CacheWarmer warmer;
  private final java.util.function.Supplier<ServedCertificate> certificate;

  public AdminHandler(
      SnapshotManager snapshots,
      ProxyMetrics metrics,
      Executor blocking,
      AdminToken token,
      java.util.function.BooleanSupplier draining,
      ObjectCache cache,
      io.yatagarasu.proxy.pipeline.CacheWarmer warmer,
      java.util.function.Supplier<ServedCertificate> certificate) {
    this.cache = java.util.Objects.requireNonNull(cache, "cache");
    this.warmer = warmer;
    this.certificate = java.util.Objects.requireNonNull(certificate, "certificate");
    this.snapshots = snapshots;
    this.metrics = metrics;
    this.blocking = blocking;
    this.token = token;
    this.draining = draining;
  }

  /** A token holder to share between the admin listener's connections. */
  public static AdminToken newToken() {
    return new AdminToken();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!request.decoderResult().isSuccess()) {
      send(ctx, status("bad request", HttpResponseStatus.BAD_REQUEST), false);
      return;
    }
    String path = PathNormalizer.rawPath(request.uri());
    HttpMethod method = request.method();
    boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    switch (path) {
      case "/health" ->
          send(ctx, read ? json(HttpResponseStatus.OK, ok()) : notAllowed(), keepAlive);
      case "/ready" -> send(ctx, read ? ready() : notAllowed(), keepAlive);
      case "/metrics" -> send(ctx, read ? metrics() : notAllowed(), keepAlive);
      default -> {
        if (path.equals("/admin") || path.startsWith("/admin/")) {
          admin(ctx, request, path, keepAlive);
        } else {
          send(ctx, status("not found", HttpResponseStatus.NOT_FOUND), keepAlive);
        }
      }
    }
  }

  private void admin(
      ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) {
    ProxySnapshot snapshot = snapshots.current();
    String tokenFile = snapshot == null ? null : snapshot.config().admin().tokenFile();
    if (tokenFile == null) {
      send(ctx, status("not found", HttpResponseStatus.NOT_FOUND), keepAlive);
      return;
    }
    if (!authorized(request)) {
      FullHttpResponse denied = status("unauthorized", HttpResponseStatus.UNAUTHORIZED);
      denied.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"yatagarasu-admin\"");
      send(ctx, denied, keepAlive);
      return;
    }
    if (path.equals("/admin/cache")
        || path.equals("/admin/cache/purge")
        || path.equals("/admin/cache/warm")) {
      cacheApi(ctx, request, path, keepAlive);
    } else if (path.equals("/admin/tls")) {
      if (HttpMethod.GET.equals(request.method())) {
        send(ctx, json(HttpResponseStatus.OK, TlsAdmin.describe(certificate.get())), keepAlive);
      } else {
        FullHttpResponse response = notAllowed();
        response.headers().set(HttpHeaderNames.ALLOW, "GET");
        send(ctx, response, keepAlive);
      }
    } else if (!path.equals("/admin/config")) {
      send(ctx, status("not found", HttpResponseStatus.NOT_FOUND), keepAlive);
    } else if (HttpMethod.GET.equals(request.method())) {
      send(ctx, describe(snapshot), keepAlive);
    } else if (HttpMethod.PUT.equals(request.method())) {
      put(ctx, request, keepAlive);
    } else {
      FullHttpResponse response = notAllowed();
      response.headers().set(HttpHeaderNames.ALLOW, "GET, PUT");
      send(ctx, response, keepAlive);
    }
  }

  private void cacheApi(
      ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) {
    HttpMethod method = request.method();
    boolean describe = path.equals("/admin/cache");
    boolean allowed = describe ? HttpMethod.GET.equals(method) : HttpMethod.POST.equals(method);
    if (!allowed) {
      FullHttpResponse response = notAllowed();
      response.headers().set(HttpHeaderNames.ALLOW, describe ? "GET" : "POST");
      send(ctx, response, keepAlive);
      return;
    }
    if (!describe) {
      String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
      if (type != null
          && !HttpUtil.getMimeType(type).toString().equalsIgnoreCase("application/json")) {
        send(
            ctx,
            rejected(
                HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                List.of(
                    "Content-Type: "
                        + HttpUtil.getMimeType(type)
                        + " (expected: application/json)")),
            keepAlive);
        return;
      }
    }
    String body = describe ? null : request.content().toString(StandardCharsets.UTF_8);
    if (path.equals("/admin/cache/warm")) {
      // Answered when every key has been dealt with; the fetches run on the data plane's loops.
      CacheAdmin.warm(warmer, body)
          .thenAccept(response -> ctx.executor().execute(() -> send(ctx, response, keepAlive)));
      return;
    }
    // Both walk every entry: not on the admin loop.
    blocking.execute(
        () -> {
          FullHttpResponse response =
              describe ? CacheAdmin.describe(cache, warmer) : CacheAdmin.purge(cache, body);
          ctx.executor().execute(() -> send(ctx, response, keepAlive));
        });
  }

  private void put(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    OptionalLong generation;
    try {
      String header = request.headers().get(GENERATION_HEADER);
      generation = header == null ? OptionalLong.empty() : OptionalLong.of(parseGeneration(header));
    } catch (IllegalArgumentException e) {
      send(
          ctx,
          rejected(
              HttpResponseStatus.BAD_REQUEST, List.of(GENERATION_HEADER + ": " + e.getMessage())),
          keepAlive);
      return;
    }
    String body = request.content().toString(StandardCharsets.UTF_8);
    // Parsing and building a large snapshot takes milliseconds: not on the admin loop.
    blocking.execute(
        () -> {
          FullHttpResponse response = apply(body, generation);
          ctx.executor().execute(() -> send(ctx, response, keepAlive));
        });
  }

  private FullHttpResponse apply(String body, OptionalLong generation) {
    ConfigDocument document;
    try {
      document = new ConfigParser(Environment.system()).parseJsonDocument(body);
    } catch (ConfigException e) {
      List<String> errors = SnapshotRejection.errors(e);
      snapshots.rejectedDocument(errors, SOURCE);
      return rejected(HttpResponseStatus.UNPROCESSABLE_ENTITY, errors, e.unknownKeys());
    }
    ApplyResult result = snapshots.apply(document, generation, SOURCE);
    HttpResponseStatus status =
        switch (result.status()) {
          case APPLIED, UNCHANGED -> HttpResponseStatus.OK;
          case STALE -> HttpResponseStatus.CONFLICT;
          case REJECTED -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
        };
    ObjectNode answer = JSON.createObjectNode().put("status", result.status().word());
    answer.put("generation", result.generation());
    answer.put("hash", result.hash());
    if (!result.errors().isEmpty()) {
      ArrayNode errors = answer.putArray("errors");
      result.errors().forEach(errors::add);
    }
    return json(status, answer);
  }

  private static long parseGeneration(String header) {
    try {
      long value = Long.parseLong(header.trim());
      if (value < 1) {
        throw new IllegalArgumentException(header.trim() + " (expected: >= 1)");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer (expected: >= 1)");
    }
  }

  private FullHttpResponse describe(ProxySnapshot snapshot) {
    ObjectNode answer = JSON.createObjectNode();
    answer.put("generation", snapshot.generation());
    answer.put("hash", snapshot.hash());
    answer.put("appliedAt", snapshot.builtAt().toString());
    answer.put("source", snapshot.source());
    ArrayNode buckets = answer.putArray("buckets");
    for (BucketConfig bucket : snapshot.config().buckets()) {
      buckets.addObject().put("name", bucket.name()).put("pathPrefix", bucket.pathPrefix());
    }
    return json(HttpResponseStatus.OK, answer);
  }

  private FullHttpResponse ready() {
    if (draining.getAsBoolean()) {
      return status("draining", HttpResponseStatus.SERVICE_UNAVAILABLE);
    }
    ProxySnapshot snapshot = snapshots.current();
    if (snapshot == null) {
      return status("not ready", HttpResponseStatus.SERVICE_UNAVAILABLE);
    }
    ObjectNode answer = JSON.createObjectNode().put("status", "ready");
    answer.put("generation", snapshot.generation());
    return json(HttpResponseStatus.OK, answer);
  }

  private FullHttpResponse metrics() {
    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /** True when the admin API is on and the request carries its token (exactly once). */
  boolean authorized(HttpRequest request) {
    ProxySnapshot snapshot = snapshots.current();
    String tokenFile = snapshot == null ? null : snapshot.config().admin().tokenFile();
    return tokenFile != null && token.matches(Path.of(tokenFile), bearer(request));
  }

  private static String bearer(HttpRequest request) {
    List<String> headers = request.headers().getAll(HttpHeaderNames.AUTHORIZATION);
    String header = headers.size() == 1 ? headers.get(0) : null;
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).strip();
  }

  private static ObjectNode ok() {
    return JSON.createObjectNode().put("status", "ok");
  }

  private static FullHttpResponse notAllowed() {
    return status("method not allowed", HttpResponseStatus.METHOD_NOT_ALLOWED);
  }

  static FullHttpResponse status(String word, HttpResponseStatus status) {
    return json(status, JSON.createObjectNode().put("status", word));
  }

  private static FullHttpResponse rejected(HttpResponseStatus status, List<String> errors) {
    return rejected(status, errors, List.of());
  }

  /** A rejection; {@code unknownKeys} lists the keys this release does not know, when any. */
  static FullHttpResponse rejected(
      HttpResponseStatus status, List<String> errors, List<String> unknownKeys) {
    ObjectNode answer = JSON.createObjectNode().put("status", "rejected");
    ArrayNode list = answer.putArray("errors");
    errors.forEach(list::add);
    if (!unknownKeys.isEmpty()) {
      ArrayNode keys = answer.putArray("unknownKeys");
      unknownKeys.forEach(keys::add);
    }
    return json(status, answer);
  }

  static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
