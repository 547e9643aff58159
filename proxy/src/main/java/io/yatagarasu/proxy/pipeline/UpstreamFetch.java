package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.opentelemetry.api.trace.Span;
import io.yatagarasu.config.RetryConfig;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.s3.CredentialSource;
import io.yatagarasu.proxy.s3.S3ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The upstream unit: fetches one object from S3 and hands the answer to a {@link FetchListener}
 * (the head, then the body chunks as they arrive, then the end; or one error). Everything between
 * is this class's business and never the listener's: credentials, the circuit breaker, a pooled
 * connection of the request's event loop, signing, the response timeout, retries with backoff and a
 * budget, failover to a replica, a fresh attempt when a pooled connection turns out closed, the
 * {@code If-Range} check, the size probe for a 416, S3 error mapping and the body idle timeout.
 * Retries and failover happen only before {@link FetchListener#onHead}; after it, a failure is
 * {@link FetchListener#onAbort}.
 *
 * <p>Use: {@code var fetch = new UpstreamFetch(budget, request, listener); fetch.start();} on
 * {@link FetchRequest#eventLoop()}, where every call to and from the fetch happens. Backpressure:
 * after each read batch the fetch calls {@link FetchListener#onBatchEnd}; a listener that cannot
 * take more calls {@link #pause()}, and {@link #resume()} once it can. {@link #cancel()} lets go of
 * everything when the listener is gone.
 *
 * <p>This file is longer than ~400 lines on purpose: every decision here (retry, failover, breaker
 * verdict, stale-connection retry) reads and writes the same attempt state, and splitting it would
 * cost a second object per request on the hot path; the request building lives in {@link
 * UpstreamRequests}, the listener contract in {@link FetchListener}.
 */
final class UpstreamFetch implements UpstreamListener, ResponseSource, LoopConnectionPool.Acquirer {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamFetch.class);
  private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("yatagarasu.used");
  private static final int MAX_ERROR_BODY = 16 * 1024;

  private enum State {
    IDLE,
    CONNECTING,
    WAITING_HEAD,
    STREAMING,
    ERROR_BODY,
    DONE
  }

  private final RetryBudget budget;
  private final FetchRequest request;
  private final FetchListener listener;
  private final BucketRoute route;
  private final UpstreamConfig settings;

  private State state = State.IDLE;
  private AwsCredentialsIdentity identity;
  private Channel upstream;
  private int attempt;
  private boolean sendRange;
  private String ifRange;
  private boolean probingSize;
  private OptionalLong probedSize = OptionalLong.empty();
  private boolean paused;
  private boolean upstreamKeepAlive;
  // The handler of the connection in flight, which keeps the response timeout.
  private UpstreamHandler handler;
  private StringBuilder errorBody;
  private int errorStatus;
  private int upstreamStatus;
  private long upstreamSentNanos;
  private long upstreamMicros = -1;
  private long bytesDelivered;
  private boolean headDelivered;
  private boolean staleRetried;
  private int targetIndex;
  private boolean breakerPermit;
  private boolean reusedConnection;
  private boolean credentialsRefreshed;
  // The span of the attempt in flight; always null when the request is not traced.
  private Span attemptSpan;

  UpstreamFetch(RetryBudget budget, FetchRequest request, FetchListener listener) {
    this.budget = budget;
    this.request = request;
    this.listener = listener;
    this.route = request.route();
    this.settings = request.settings();
    HttpHeaders headers = request.headers();
    String range = headers.get(HttpHeaderNames.RANGE);
    String validator = headers.get(HttpHeaderNames.IF_RANGE);
    this.sendRange = range != null;
    if (range != null && validator != null) {
      // RFC 9110 13.1.5: a weak entity tag never matches, so the whole representation is sent.
      if (validator.startsWith("W/")) {
        this.sendRange = false;
      } else {
        this.ifRange = validator.trim();
      }
    }
  }

  /** Starts the first attempt. */
  void start() {
    fetch();
  }

  /** S3's status of the last answer, 0 before any. */
  @Override
  public int upstreamStatus() {
    return upstreamStatus;
  }

  /** Microseconds from sending the last attempt to its head, -1 before any. */
  @Override
  public long upstreamMicros() {
    return upstreamMicros;
  }

  /** Stops reading from S3 until {@link #resume()}: the consumer is behind. */
  @Override
  public void pause() {
    Channel ch = upstream;
    if (state == State.STREAMING && ch != null) {
      paused = true;
      ch.config().setAutoRead(false);
    }
  }

  /** Reads from S3 again after {@link #pause()}. */
  @Override
  public void resume() {
    if (paused && state == State.STREAMING) {
      paused = false;
      Channel ch = upstream;
      if (ch != null) {
        ch.config().setAutoRead(true);
      }
    }
  }

  /**
   * The consumer is gone: drops the upstream connection at once (it is not reused) and tells the
   * breaker the attempt was abandoned. Nothing more reaches the listener. Safe to call twice.
   */
  @Override
  public void cancel() {
    endAttempt("cancelled");
    state = State.DONE;
    cancelTimeout();
    releaseUpstream(false);
    breakerResult(null);
  }

  /** Resolves signing credentials (off the loop when they must be fetched), then connects. */
  private void fetch() {
    state = State.CONNECTING;
    AwsCredentialsIdentity current = upstream().credentials().current();
    if (current != null) {
      connect(current);
      return;
    }
    route
        .credentials()
        .fetch()
        .whenComplete(
            (id, error) ->
                request
                    .eventLoop()
                    .execute(
                        () -> {
                          if (state != State.CONNECTING) {
                            return;
                          }
                          if (error != null) {
                            LOG.warn(
                                "credentials unavailable bucket={} requestId={} reason={}",
                                route.name(),
                                request.requestId(),
                                rootMessage(error));
                            route.meters().upstreamError("credentials");
                            fail(ProxyError.UPSTREAM_ERROR, -1);
                          } else {
                            connect(id);
                          }
                        }));
  }

  private void connect(AwsCredentialsIdentity identity) {
    CircuitBreaker breaker = upstream().endpoint().breaker();
    if (!breaker.tryAcquire()) {
      route.meters().upstreamError("circuit_open");
      if (!failover("circuit_open")) {
        long seconds = Math.max(1, (breaker.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
        fail(ProxyError.CIRCUIT_OPEN, seconds);
      }
      return;
    }
    breakerPermit = true;
    attempt++;
    if (request.tracer() != null) {
      endAttempt("superseded");
      attemptSpan =
          Tracing.startAttempt(
              request.tracer(), request.span(), upstream(), request.head() || probingSize, attempt);
    }
    state = State.CONNECTING;
    this.identity = identity;
    // The fetch is its own acquirer (one acquisition is pending at a time): an attempt allocates
    // no callback, and an idle connection is handed over before acquire returns.
    upstream().endpoint().acquire(request.eventLoop(), this);
  }

  /** No pooled connection could be had. */
  @Override
  public void acquireFailed(Throwable cause) {
    if (state == State.CONNECTING) {
      LOG.warn(
          "upstream unreachable bucket={} requestId={} reason={}",
          route.name(),
          request.requestId(),
          rootMessage(cause));
      route.meters().upstreamError("connect");
      endAttempt("connect");
      breakerResult(false);
      if (!failover("connect") && !retry("connect", false)) {
        fail(ProxyError.UPSTREAM_UNREACHABLE, -1);
      }
    }
  }

  /** A pooled connection was acquired. */
  @Override
  public void acquired(Channel ch) {
    if (state != State.CONNECTING) {
      upstream().endpoint().release(ch);
      return;
    }
    try {
      send(ch, identity);
    } catch (RuntimeException e) {
      // A defect while building the request must not leave the consumer waiting and the pooled
      // connection held: both are let go at once.
      LOG.warn(
          "request not sent bucket={} requestId={} reason={}",
          route.name(),
          request.requestId(),
          e.getClass().getSimpleName());
      if (upstream == null) {
        ch.close();
        upstream().endpoint().release(ch);
      }
      endAttempt("internal");
      releaseUpstream(false);
      breakerResult(null);
      fail(ProxyError.INTERNAL, -1);
    }
  }

  private void send(Channel ch, AwsCredentialsIdentity identity) {
    upstream = ch;
    boolean reused = Boolean.TRUE.equals(ch.attr(USED).getAndSet(Boolean.TRUE));
    reusedConnection = reused;
    boolean headRequest = request.head() || probingSize;
    UpstreamHandler handler = (UpstreamHandler) ch.pipeline().get(UpstreamEndpoint.HANDLER);
    handler.attach(this, headRequest);
    this.handler = handler;
    FullHttpRequest out =
        UpstreamRequests.build(
            upstream().target(),
            request.key(),
            request.headers(),
            request.rawQuery(),
            headRequest,
            !probingSize,
            sendRange,
            identity);
    state = State.WAITING_HEAD;
    upstreamSentNanos = System.nanoTime();
    handler.awaitHead(settings.responseTimeout().toNanos());
    // No promise: a failed write reaches UpstreamHandler.exceptionCaught, then onUpstreamClosed.
    ch.writeAndFlush(out, ch.voidPromise());
  }

  @Override
  public void onUpstreamMessage(HttpObject msg) {
    if (state == State.DONE || state == State.CONNECTING || state == State.IDLE) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      onResponseHead(response);
      if (response.decoderResult().isFailure()) {
        // One decoder failure is one error answer, even when it comes as a head and a body.
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      onContent(content);
    }
  }

  private void onResponseHead(HttpResponse response) {
    cancelTimeout();
    if (attemptSpan != null) {
      Tracing.endAttempt(attemptSpan, response);
      attemptSpan = null;
    }
    breakerResult(response.status().code() < 500);
    long latencyNanos = System.nanoTime() - upstreamSentNanos;
    upstreamMicros = latencyNanos / 1000;
    route.meters().upstreamLatency(latencyNanos);
    upstreamStatus = response.status().code();
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    if (response.decoderResult().isFailure()) {
      // A decoder's message may quote whatever the upstream sent: only its class is logged.
      Throwable cause = response.decoderResult().cause();
      LOG.warn(
          "malformed upstream response bucket={} requestId={} reason={}",
          route.name(),
          request.requestId(),
          cause instanceof UpstreamHandler.UnexpectedAnswer
              ? cause.getMessage()
              : cause.getClass().getSimpleName());
      route.meters().upstreamError("malformed");
      releaseUpstream(false);
      fail(ProxyError.UPSTREAM_ERROR, -1);
      return;
    }
    int status = upstreamStatus;
    if (probingSize) {
      OptionalLong size =
          status == 200 && response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
              ? OptionalLong.of(HttpUtil.getContentLength(response, -1L))
              : OptionalLong.empty();
      state = State.ERROR_BODY;
      errorStatus = 416;
      errorBody = new StringBuilder();
      probedSize = size;
      return;
    }
    if (status == 200 || status == 206 || status == 304) {
      if (ifRange != null
          && status == 206
          && !UpstreamRequests.validatorMatches(ifRange, response.headers())) {
        // The representation changed: the client gets all of it (RFC 9110 13.1.5).
        releaseUpstream(false);
        sendRange = false;
        ifRange = null;
        fetch();
        return;
      }
      state = State.STREAMING;
      headDelivered = true;
      listener.onHead(response);
    } else {
      state = State.ERROR_BODY;
      errorStatus = status;
      errorBody = new StringBuilder();
    }
  }

  private void onContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (content.decoderResult().isFailure()) {
      // Cut short (premature close, bad chunk): the status line may be gone, so close.
      content.release();
      LOG.warn(
          "upstream response broken bucket={} requestId={} reason={}",
          route.name(),
          request.requestId(),
          rootMessage(content.decoderResult().cause()));
      releaseUpstream(false);
      route.meters().upstreamError("broken");
      if (state == State.STREAMING) {
        abort("upstream_broken");
      } else {
        fail(ProxyError.UPSTREAM_ERROR, -1);
      }
      return;
    }
    switch (state) {
      case STREAMING -> {
        bytesDelivered += content.content().readableBytes();
        if (last) {
          releaseUpstream(upstreamKeepAlive);
          state = State.DONE;
          listener.onEnd((LastHttpContent) content);
        } else {
          listener.onBody(content);
        }
      }
      case ERROR_BODY -> {
        ByteBuf buf = content.content();
        int room = MAX_ERROR_BODY - errorBody.length();
        if (room > 0 && buf.isReadable()) {
          errorBody.append(
              buf.toString(
                  buf.readerIndex(), Math.min(room, buf.readableBytes()), StandardCharsets.UTF_8));
        }
        content.release();
        if (last) {
          releaseUpstream(upstreamKeepAlive);
          upstreamError();
        }
      }
      default -> content.release();
    }
  }

  private void upstreamError() {
    String body = errorBody.toString();
    if (probingSize) {
      fail(ProxyError.INVALID_RANGE, probedSize.orElse(-1));
      return;
    }
    String code = S3ErrorCodes.code(body);
    ProxyError error = S3ErrorCodes.map(errorStatus, code);
    if (errorStatus >= 500) {
      route.meters().upstreamError("status_5xx");
    }
    if (S3ErrorCodes.isCredentialProblem(code) || errorStatus == 301 || errorStatus == 307) {
      route.meters().upstreamError("rejected");
      LOG.warn(
          "upstream rejected the proxy's request bucket={} requestId={} status={} s3Code={}",
          route.name(),
          request.requestId(),
          errorStatus,
          code);
    } else if (errorStatus >= 500) {
      LOG.warn(
          "upstream error bucket={} requestId={} status={} s3Code={}",
          route.name(),
          request.requestId(),
          errorStatus,
          code);
    }
    if ((errorStatus == 500
            || errorStatus == 502
            || errorStatus == 503
            || errorStatus == 504
            || "SlowDown".equals(code))
        && retry("status_" + errorStatus, false)) {
      return;
    }
    if ("ExpiredToken".equals(code)
        && !(upstream().credentials() instanceof CredentialSource.StaticCredentialSource)
        && !credentialsRefreshed
        && retry("expired_token", true)) {
      return;
    }
    if (error == ProxyError.INVALID_RANGE) {
      OptionalLong size = S3ErrorCodes.actualObjectSize(body);
      if (size.isPresent()) {
        fail(ProxyError.INVALID_RANGE, size.getAsLong());
      } else {
        // S3 did not say how large the object is: ask with a HEAD, then answer.
        probingSize = true;
        fetch();
      }
      return;
    }
    fail(error, -1);
  }

  @Override
  public void onUpstreamReadComplete() {
    if (state == State.STREAMING) {
      listener.onBatchEnd();
    }
  }

  /**
   * Tries again after a capped, fully jittered backoff when attempts and the retry budget allow and
   * nothing has reached the listener yet.
   *
   * @param refreshCredentials fetch the credentials anew first (S3 said they expired)
   */
  private boolean retry(String reason, boolean refreshCredentials) {
    RetryConfig retry = settings.retry();
    if (headDelivered || attempt >= retry.maxAttempts() || state == State.DONE) {
      return false;
    }
    if (!budget.tryWithdraw()) {
      route.meters().retry("budget_exhausted");
      return false;
    }
    route.meters().retry(reason);
    state = State.CONNECTING;
    long cap =
        Math.min(
            retry.maxDelay().toNanos(), retry.baseDelay().toNanos() << Math.min(20, attempt - 1));
    long delay = ThreadLocalRandom.current().nextLong(cap + 1);
    request
        .eventLoop()
        .schedule(
            () -> {
              if (state != State.CONNECTING) {
                return;
              }
              if (refreshCredentials) {
                credentialsRefreshed = true;
                route
                    .credentials()
                    .fetch()
                    .whenComplete(
                        (id, error) ->
                            request
                                .eventLoop()
                                .execute(
                                    () -> {
                                      if (state == State.CONNECTING) {
                                        fetch();
                                      }
                                    }));
              } else {
                fetch();
              }
            },
            delay,
            TimeUnit.NANOSECONDS);
    return true;
  }

  @Override
  public void onUpstreamIdle() {
    if ((state == State.STREAMING && !paused) || state == State.ERROR_BODY) {
      LOG.warn(
          "upstream body stalled bucket={} requestId={} bytesSent={} after={}ms",
          route.name(),
          request.requestId(),
          bytesDelivered,
          settings.bodyIdleTimeout().toMillis());
      route.meters().upstreamError("body_idle");
      State before = state;
      releaseUpstream(false);
      if (before == State.STREAMING) {
        abort("upstream_stalled");
      } else {
        fail(ProxyError.UPSTREAM_ERROR, -1);
      }
    }
  }

  @Override
  public void onUpstreamClosed(Throwable cause) {
    Channel ch = upstream;
    if (ch == null || state == State.DONE) {
      return;
    }
    onUpstreamFailure(reusedConnection && !staleRetried, cause);
  }

  private void onUpstreamFailure(boolean retryable, Throwable cause) {
    endAttempt("closed");
    State before = state;
    releaseUpstream(false);
    cancelTimeout();
    if (before == State.WAITING_HEAD && retryable && upstreamStatus == 0) {
      // A pooled connection that the server closed while idle: one fresh attempt, free of the
      // retry budget, since S3 never saw the request.
      staleRetried = true;
      breakerResult(null);
      fetch();
      return;
    }
    route.meters().upstreamError(before == State.STREAMING ? "closed_mid_body" : "closed");
    if (before == State.STREAMING) {
      LOG.warn(
          "upstream closed mid-body bucket={} requestId={} bytesSent={}",
          route.name(),
          request.requestId(),
          bytesDelivered);
      abort("upstream_closed");
      return;
    }
    if (before == State.WAITING_HEAD || before == State.ERROR_BODY) {
      LOG.warn(
          "upstream failed bucket={} requestId={} reason={}",
          route.name(),
          request.requestId(),
          cause == null ? "connection closed" : rootMessage(cause));
      breakerResult(false);
      if (!failover("closed") && !retry("closed", false)) {
        fail(ProxyError.UPSTREAM_ERROR, -1);
      }
    }
  }

  /** The response timeout of the attempt in flight. */
  @Override
  public void onUpstreamTimeout() {
    if (state != State.WAITING_HEAD) {
      return;
    }
    LOG.warn(
        "upstream response timeout bucket={} requestId={} after={}ms",
        route.name(),
        request.requestId(),
        settings.responseTimeout().toMillis());
    route.meters().upstreamError("timeout");
    endAttempt("timeout");
    releaseUpstream(false);
    breakerResult(false);
    if (!failover("timeout")) {
      fail(ProxyError.UPSTREAM_TIMEOUT, -1);
    }
  }

  /** Ends the fetch before its head: the listener answers with {@code error}. */
  private void fail(ProxyError error, long detail) {
    if (attemptSpan != null) {
      endAttempt(error.name().toLowerCase(java.util.Locale.ROOT));
    }
    state = State.DONE;
    cancelTimeout();
    breakerResult(null);
    listener.onError(error, detail);
  }

  /** Ends the fetch after its head: the body is cut short. */
  private void abort(String reason) {
    state = State.DONE;
    breakerResult(null);
    listener.onAbort(reason);
  }

  /** Ends the span of the attempt in flight, if there is one, with what went wrong. */
  private void endAttempt(String error) {
    if (attemptSpan != null) {
      Tracing.endAttempt(attemptSpan, error);
      attemptSpan = null;
    }
  }

  /** The target being tried: the bucket's primary, or a replica after a failover. */
  private BucketRoute.Upstream upstream() {
    return route.upstreams().get(targetIndex);
  }

  /** Tells the current endpoint's breaker how the attempt went, once per permit. */
  private void breakerResult(Boolean success) {
    if (!breakerPermit) {
      return;
    }
    breakerPermit = false;
    CircuitBreaker breaker = upstream().endpoint().breaker();
    if (success == null) {
      breaker.onAbandoned();
    } else if (success) {
      breaker.onSuccess();
    } else {
      breaker.onFailure();
    }
  }

  /**
   * Sends the request on to the next replica when nothing has reached the listener yet: on 5xx,
   * timeouts, connection failures and open circuits; never on 4xx answers.
   */
  private boolean failover(String reason) {
    if (headDelivered || targetIndex + 1 >= route.upstreams().size() || state == State.DONE) {
      return false;
    }
    breakerResult(null);
    targetIndex++;
    attempt = 0;
    staleRetried = false;
    route.meters().failover(reason);
    LOG.info(
        "failover bucket={} requestId={} reason={} to={}",
        route.name(),
        request.requestId(),
        reason,
        upstream().endpoint().name());
    fetch();
    return true;
  }

  private void releaseUpstream(boolean reusable) {
    Channel ch = upstream;
    if (ch == null) {
      return;
    }
    upstream = null;
    paused = false;
    UpstreamHandler handler = (UpstreamHandler) ch.pipeline().get(UpstreamEndpoint.HANDLER);
    this.handler = null;
    if (handler != null) {
      handler.detach();
    }
    // Only a connection whose answer was read to its declared end goes back to the pool.
    if (!reusable || handler == null || !handler.reusable(ch)) {
      ch.close();
    }
    upstream().endpoint().release(ch);
  }

  private void cancelTimeout() {
    if (handler != null) {
      handler.headArrived();
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
