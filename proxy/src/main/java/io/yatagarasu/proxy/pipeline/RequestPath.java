package io.yatagarasu.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The route every request takes once its connection has read it, in order. Each stage has one job
 * and either answers the request or hands it on:
 *
 * <ol>
 *   <li><b>admit</b> ({@link Admission}): the concurrency limit, framing errors, CORS preflight,
 *       the method, {@code /health}, path normalisation, the query, the snapshot and the route.
 *       What it does not answer becomes an {@link ObjectRequest}.
 *   <li><b>authorize</b>: {@link ClientCheck} (the client's address, the bucket's IP rules, the
 *       per-bucket and per-client rate limits), then {@link TokenCheck} (the token, its signature
 *       and expiry, the per-subject rate limit, the bucket's claim and path rules).
 *   <li><b>serve</b> ({@link ServeFromCache}, then {@link FetchFromS3}): answers from the object
 *       cache when the bucket caches (a stored entry, or one shared fetch per missing object), else
 *       asks S3 through an {@link UpstreamFetch}, the unit that connects, signs, retries, fails
 *       over and keeps the circuit breaker.
 *   <li><b>respond</b> ({@link ClientResponse}): the one place an object request's answer is
 *       written, streamed with backpressure from S3 (or from memory), with the access log.
 * </ol>
 *
 * The connection's side (reading, pipelining, keep-alive) is {@link ProxyFrontendHandler}'s.
 */
final class RequestPath {
  private final Admission admit;

  RequestPath(ServerContext server) {
    Stage serve = new ServeFromCache(server, new FetchFromS3(server));
    Stage authorize = new ClientCheck(new TokenCheck(serve));
    this.admit = new Admission(server, authorize);
  }

  /** Takes a request its connection has read (and may answer now) down the path. */
  void start(ProxyFrontendHandler frontend, ChannelHandlerContext ctx, HttpRequest request) {
    admit.admit(frontend, ctx, request);
  }
}
