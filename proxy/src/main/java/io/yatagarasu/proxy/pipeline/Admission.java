package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.RequestIds;
import io.yatagarasu.proxy.cors.CorsPolicy;
import io.yatagarasu.proxy.routing.PathNormalizer;
import io.yatagarasu.proxy.routing.RoutingTable;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The admit stage: counts the request against {@code server.maxConcurrentRequests}, then answers by
 * itself what needs no bucket rules (a framing error the connection found, a CORS preflight, a
 * method other than GET and HEAD, {@code /health}, a path or query that is not well formed, no
 * configuration yet, no route, a listing) and hands an object request, holding the snapshot it was
 * routed with, to the next stage.
 */
final class Admission {
  private static final byte[] HEALTH_BODY =
      "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

  private final ServerContext server;
  private final Stage next;

  Admission(ServerContext server, Stage next) {
    this.server = server;
    this.next = next;
  }

  /** Answers {@code request} now or hands it on; the frontend has read its head (and body). */
  void admit(ProxyFrontendHandler frontend, ChannelHandlerContext ctx, HttpRequest request) {
    boolean http1 = frontend.http1();
    long startNanos = System.nanoTime();
    RequestHeaderTimeoutHandler timeout = ctx.pipeline().get(RequestHeaderTimeoutHandler.class);
    if (timeout != null) {
      timeout.headReceived();
    }
    String requestId =
        RequestIds.acceptOrGenerate(request.headers().get(ErrorResponses.REQUEST_ID));
    boolean head = HttpMethod.HEAD.equals(request.method());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    // An HTTP/2 :path is in origin form already (RFC 9113 8.3.1).
    String target = http1 ? RequestChecks.originForm(request.uri()) : request.uri();
    String rawPath = PathNormalizer.rawPath(target);
    ProxyFrontendHandler.RequestInfo info =
        new ProxyFrontendHandler.RequestInfo(
            requestId,
            frontend.peer().text(ctx.channel()),
            request.method().name(),
            rawPath,
            head,
            startNanos);
    ProxySnapshot settings = server.current();
    int maxConcurrent =
        settings == null
            ? ServerConfig.DEFAULT_MAX_CONCURRENT_REQUESTS
            : settings.config().server().maxConcurrentRequests();
    if (!server.tryStart(maxConcurrent)) {
      respondLocally(frontend, ctx, info, null, ProxyError.OVERLOADED, keepAlive);
      return;
    }

    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      ProxyError error =
          cause instanceof ProxyFrontendHandler.Refusal refusal
              ? refusal.error()
              : cause instanceof TooLongHttpLineException
                  ? ProxyError.URI_TOO_LONG
                  : cause instanceof TooLongHttpHeaderException
                      ? ProxyError.HEADERS_TOO_LARGE
                      : cause instanceof TooLongFrameException
                          ? ProxyError.HEADERS_TOO_LARGE
                          : ProxyError.BAD_REQUEST;
      respondLocally(frontend, ctx, info, null, error, false);
      return;
    }
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (HttpMethod.OPTIONS.equals(request.method())
        && origin != null
        && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)
        && preflight(frontend, ctx, request, info, origin, rawPath, keepAlive)) {
      return;
    }
    if (!head && !HttpMethod.GET.equals(request.method())) {
      respondLocally(
          frontend, ctx, info, null, ProxyError.METHOD_NOT_ALLOWED, keepAlive && !hasBody(request));
      return;
    }
    if (rawPath.equals("/health")) {
      respondHealth(frontend, ctx, info, keepAlive);
      return;
    }
    String path;
    try {
      path = PathNormalizer.normalize(rawPath);
    } catch (PathNormalizer.InvalidPathException e) {
      respondLocally(frontend, ctx, info, null, ProxyError.INVALID_PATH, keepAlive);
      return;
    }
    String rawQuery = PathNormalizer.rawQuery(target);
    if (!RequestChecks.wellFormedQuery(rawQuery)) {
      // Decided here, before a token is read or an upstream connection taken.
      respondLocally(frontend, ctx, info, null, ProxyError.INVALID_QUERY, keepAlive);
      return;
    }
    ProxySnapshot snapshot = server.acquire();
    if (snapshot == null) {
      respondLocally(frontend, ctx, info, null, ProxyError.NOT_READY, keepAlive);
      return;
    }
    RoutingTable.Match<BucketRoute> match = snapshot.routes().match(path);
    if (match == null || match.key().isEmpty()) {
      snapshot.release();
      if (match == null) {
        respondLocally(frontend, ctx, info, null, ProxyError.ROUTE_NOT_FOUND, keepAlive);
      } else {
        respondLocally(
            frontend, ctx, info, match.route(), ProxyError.LISTING_NOT_ALLOWED, keepAlive, origin);
      }
      return;
    }
    ObjectRequest admitted =
        new ObjectRequest(
            frontend,
            ctx,
            server,
            snapshot,
            match.route(),
            path,
            match.key(),
            rawQuery,
            request.headers(),
            info,
            keepAlive);
    frontend.exchangeStarted(admitted.response());
    // Every routed object request earns its share of the retry budget, answered or not.
    server.retryBudget().deposit(admitted.settings().retry().budgetPercent());
    next.enter(admitted);
  }

  /**
   * Answers a CORS preflight for a bucket that has a CORS policy: 204 with the allowed methods and
   * headers, or 403 when the origin, method or a header is not allowed. Returns false (so the
   * request gets the usual 405) when the path has no bucket with CORS.
   */
  private boolean preflight(
      ProxyFrontendHandler frontend,
      ChannelHandlerContext ctx,
      HttpRequest request,
      ProxyFrontendHandler.RequestInfo info,
      String origin,
      String rawPath,
      boolean keepAlive) {
    ProxySnapshot snapshot = server.acquire();
    if (snapshot == null) {
      return false;
    }
    CorsPolicy cors;
    BucketRoute route;
    try {
      RoutingTable.Match<BucketRoute> match =
          snapshot.routes().match(PathNormalizer.normalize(rawPath));
      route = match == null ? null : match.route();
      cors = route == null ? null : route.policy().cors();
    } catch (PathNormalizer.InvalidPathException e) {
      cors = null;
      route = null;
    } finally {
      snapshot.release();
    }
    if (cors == null) {
      return false;
    }
    Map<String, String> allowed =
        cors.preflight(
            origin,
            request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD),
            request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS));
    if (allowed == null) {
      respondLocally(frontend, ctx, info, route, ProxyError.CORS_REJECTED, keepAlive);
      return true;
    }
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
    allowed.forEach(response.headers()::set);
    response.headers().set(ErrorResponses.REQUEST_ID, info.requestId());
    frontend.answerLocally(ctx, info, route, response, keepAlive, null);
    return true;
  }

  private void respondHealth(
      ProxyFrontendHandler frontend,
      ChannelHandlerContext ctx,
      ProxyFrontendHandler.RequestInfo info,
      boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK,
            info.head() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(HEALTH_BODY));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, HEALTH_BODY.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .set(ErrorResponses.REQUEST_ID, info.requestId());
    frontend.answerLocally(ctx, info, null, response, keepAlive, null);
  }

  private void respondLocally(
      ProxyFrontendHandler frontend,
      ChannelHandlerContext ctx,
      ProxyFrontendHandler.RequestInfo info,
      BucketRoute bucket,
      ProxyError error,
      boolean keepAlive) {
    respondLocally(frontend, ctx, info, bucket, error, keepAlive, null);
  }

  private void respondLocally(
      ProxyFrontendHandler frontend,
      ChannelHandlerContext ctx,
      ProxyFrontendHandler.RequestInfo info,
      BucketRoute bucket,
      ProxyError error,
      boolean keepAlive,
      String origin) {
    FullHttpResponse response =
        ErrorResponses.render(ctx.alloc(), error, info.requestId(), info.head());
    if (bucket != null && origin != null && bucket.policy().cors() != null) {
      bucket.policy().cors().response(origin).forEach(response.headers()::set);
    }
    frontend.answerLocally(ctx, info, bucket, response, keepAlive, error.code());
  }

  private static boolean hasBody(HttpRequest request) {
    return HttpUtil.isTransferEncodingChunked(request)
        || ProxyFrontendHandler.contentLength(request) > 0;
  }
}
