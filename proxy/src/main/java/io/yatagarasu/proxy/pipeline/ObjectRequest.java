package io.yatagarasu.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.auth.ClientAddresses;
import java.util.List;

/**
 * One routed object request as it travels the {@link RequestPath}: what admission found (the
 * snapshot it holds, the bucket, the key), what authorization learnt (the client's address, the
 * token's subject and issuer) and the {@link ClientResponse} that answers it. The only object a
 * request needs besides its response and, when S3 is asked, its {@link UpstreamFetch}.
 */
final class ObjectRequest implements FetchRequest, ClientAddresses.HeaderLines {
  private final ProxyFrontendHandler frontend;
  private final ChannelHandlerContext ctx;
  private final ServerContext server;
  private final ProxySnapshot snapshot;
  private final BucketRoute route;
  private final String path;
  private final String key;
  private final String rawQuery;
  private final HttpHeaders headers;
  private final ProxyFrontendHandler.RequestInfo info;
  private final boolean keepAlive;
  private final ClientResponse response;
  // Both null when the snapshot does not trace: nothing of OpenTelemetry on the path then.
  private final Tracer tracer;
  private final Span span;

  private String clientAddress;
  private String subject;
  private String issuer;

  ObjectRequest(
      ProxyFrontendHandler frontend,
      ChannelHandlerContext ctx,
      ServerContext server,
      ProxySnapshot snapshot,
      BucketRoute route,
      String path,
      String key,
      String rawQuery,
      HttpHeaders headers,
      ProxyFrontendHandler.RequestInfo info,
      boolean keepAlive) {
    this.frontend = frontend;
    this.ctx = ctx;
    this.server = server;
    this.snapshot = snapshot;
    this.route = route;
    this.path = path;
    this.key = key;
    this.rawQuery = rawQuery;
    this.headers = headers;
    this.info = info;
    this.keepAlive = keepAlive;
    this.response = new ClientResponse(this);
    this.tracer = snapshot.tracer().tracer();
    this.span =
        tracer == null
            ? null
            : Tracing.startServer(tracer, headers, info.method(), path, route, info.requestId());
  }

  ProxyFrontendHandler frontend() {
    return frontend;
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  ServerContext server() {
    return server;
  }

  /** The configuration the request was admitted under, held until it completes. */
  ProxySnapshot snapshot() {
    return snapshot;
  }

  @Override
  public BucketRoute route() {
    return route;
  }

  /** The normalised path, bucket prefix included (claim rules match on it). */
  String path() {
    return path;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String rawQuery() {
    return rawQuery;
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  /** Every field line of a request header, for the client address rules. */
  @Override
  public List<String> all(String name) {
    return headers.getAll(name);
  }

  @Override
  public boolean head() {
    return info.head();
  }

  @Override
  public String requestId() {
    return info.requestId();
  }

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public UpstreamConfig settings() {
    return snapshot.config().upstreamFor(route.config());
  }

  @Override
  public Tracer tracer() {
    return tracer;
  }

  @Override
  public Span span() {
    return span;
  }

  /** Where the answer came from, for the trace: {@code hit}, {@code miss}, {@code stale}... */
  void cacheResult(String result) {
    if (span != null) {
      span.setAttribute(Tracing.CACHE, result);
    }
  }

  /** The request passed authorization: {@code public} or {@code verified}. */
  void authorized(String result) {
    if (span != null) {
      span.setAttribute(Tracing.AUTH, result);
    }
  }

  /**
   * The request is refused for {@code reason} (a bounded word such as {@code expired}); {@code
   * rule} names the claim rule that failed, if one did. Counted, logged at a bounded rate and put
   * on the trace; never the token.
   */
  void authFailed(String reason, String rule) {
    AuthFailures.record(route, reason, rule, info.requestId(), clientAddress);
    if (span != null) {
      span.setAttribute(Tracing.AUTH, "refused");
      span.setAttribute(Tracing.AUTH_REASON, reason);
    }
  }

  boolean keepAlive() {
    return keepAlive;
  }

  ClientResponse response() {
    return response;
  }

  /** The address the bucket's rules saw (null when it could not be told). */
  void clientAddress(String address) {
    this.clientAddress = address;
  }

  /** Who the verified token names, for the access log. */
  void identity(String subject, String issuer) {
    this.subject = subject;
    this.issuer = issuer;
  }

  /** Writes the access-log line and metrics, and releases the snapshot; called once. */
  void completed(
      int status, long bytesSent, int upstreamStatus, long upstreamMicros, String error) {
    server.completed(
        info,
        route.name(),
        route.meters(),
        status,
        bytesSent,
        upstreamStatus,
        upstreamMicros,
        error,
        subject,
        issuer,
        clientAddress,
        span);
    if (span != null) {
      Tracing.endServer(span, status, bytesSent, error);
    }
    snapshot.release();
  }
}
