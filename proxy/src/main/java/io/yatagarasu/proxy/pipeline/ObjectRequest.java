package io.yatagarasu.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxySnapshot;

/**
 * One routed object request as it travels the {@link RequestPath}: what admission found (the
 * snapshot it holds, the bucket, the key), what authorization learnt (the client's address, the
 * token's subject and issuer) and the {@link ClientResponse} that answers it. The only object a
 * request needs besides its response and, when S3 is asked, its {@link UpstreamFetch}.
 */
final class ObjectRequest implements FetchRequest {
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
        clientAddress);
    snapshot.release();
  }
}
