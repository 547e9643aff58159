package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.yatagarasu.config.RetryConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.auth.ClientAddresses;
import io.yatagarasu.proxy.auth.TokenProblem;
import io.yatagarasu.proxy.auth.Verification;
import io.yatagarasu.proxy.auth.VerifiedToken;
import io.yatagarasu.proxy.cors.CorsPolicy;
import io.yatagarasu.proxy.ratelimit.RateLimiters;
import io.yatagarasu.proxy.s3.CredentialSource;
import io.yatagarasu.proxy.s3.S3ErrorCodes;
import io.yatagarasu.proxy.s3.S3RequestSigner;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One object request from routing to the last byte: signs and sends the upstream request on a
 * pooled connection of the client's event loop, then streams the response back with backpressure
 * (the upstream connection is read only while the client keeps up), or renders S3's error.
 *
 * <p>Everything here runs on the client connection's event loop.
 */
final class Exchange implements UpstreamListener {
  /**
   * Headers built only from values the HTTP decoders already checked (the client's request, S3's
   * response), the signer and the configuration: checking each name and value again on every
   * request would cost without catching anything.
   */
  private static final HttpHeadersFactory TRUSTED_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private static final HttpHeadersFactory TRUSTED_TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
  private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("yatagarasu.used");
  private static final int MAX_ERROR_BODY = 16 * 1024;
  private static final String USER_AGENT = "yatagarasu";
  private static final List<String> FORWARDED_REQUEST_HEADERS =
      List.of("range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since");
  private static final List<String> FORWARDED_QUERY = List.of("versionId", "partNumber");
  private static final List<CharSequence> COPIED_RESPONSE_HEADERS =
      List.of(
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.CONTENT_RANGE,
          HttpHeaderNames.CONTENT_ENCODING,
          HttpHeaderNames.CONTENT_DISPOSITION,
          HttpHeaderNames.CONTENT_LANGUAGE,
          HttpHeaderNames.CACHE_CONTROL,
          HttpHeaderNames.EXPIRES,
          HttpHeaderNames.ETAG,
          HttpHeaderNames.LAST_MODIFIED,
          HttpHeaderNames.ACCEPT_RANGES,
          "x-amz-version-id");

  private enum State {
    AUTHENTICATING,
    CONNECTING,
    WAITING_HEAD,
    STREAMING,
    ERROR_BODY,
    DONE
  }

  private final ProxyFrontendHandler frontend;
  private final ChannelHandlerContext ctx;
  private final ServerContext server;
  private final ProxySnapshot snapshot;
  private final BucketRoute route;
  private final String key;
  private final String path;
  private final String rawQuery;
  private final HttpHeaders requestHeaders;
  private final ProxyFrontendHandler.RequestInfo info;
  private final boolean keepAlive;

  private State state = State.AUTHENTICATING;
  private String clientAddress;
  private String subject;
  private String issuer;
  private Channel upstream;
  private int attempt;
  private boolean sendRange;
  private String ifRange;
  private boolean probingSize;
  private OptionalLong probedSize = OptionalLong.empty();
  private boolean upstreamPaused;
  private boolean upstreamKeepAlive;
  private boolean bodyless;
  private ScheduledFuture<?> responseTimeout;
  private StringBuilder errorBody;
  private int errorStatus;
  private int upstreamStatus;
  private long upstreamSentNanos;
  private long upstreamMicros = -1;
  private long bytesSent;
  private int clientStatus;
  private boolean completed;
  private boolean staleRetried;
  private int targetIndex;
  private boolean breakerPermit;
  private boolean reusedConnection;
  private boolean credentialsRefreshed;

  Exchange(
      ProxyFrontendHandler frontend,
      ChannelHandlerContext ctx,
      ServerContext server,
      ProxySnapshot snapshot,
      BucketRoute route,
      String path,
      String key,
      String rawQuery,
      HttpHeaders requestHeaders,
      ProxyFrontendHandler.RequestInfo info,
      boolean keepAlive) {
    this.frontend = frontend;
    this.ctx = ctx;
    this.server = server;
    this.snapshot = snapshot;
    this.route = route;
    this.key = key;
    this.path = path;
    this.rawQuery = rawQuery;
    this.requestHeaders = requestHeaders;
    this.info = info;
    this.keepAlive = keepAlive;
    String range = requestHeaders.get(HttpHeaderNames.RANGE);
    String validator = requestHeaders.get(HttpHeaderNames.IF_RANGE);
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

  /** Checks the client's address and token against the bucket's policy, then fetches. */
  void start() {
    server.retryBudget().deposit(settings().retry().budgetPercent());
    BucketPolicy policy = route.policy();
    ClientAddresses.Resolved resolved =
        snapshot.clientAddresses().resolve(peerAddress(), requestHeaders::getAll);
    byte[] client = resolved.address();
    clientAddress = resolved.text();
    if (client == null) {
      // Fail closed where the address matters; a bucket that never looks at it still serves.
      if (policy.restrictsAddresses() || snapshot.limits().limitsClients()) {
        route.meters().auth("address_unknown");
        writeError(
            ErrorResponses.render(
                ctx.alloc(),
                ProxyError.ADDRESS_UNKNOWN,
                resolved.problem(),
                info.requestId(),
                info.head()),
            ProxyError.ADDRESS_UNKNOWN);
        return;
      }
    } else if (!policy.allowsAddress(client)) {
      route.meters().auth("address_denied");
      respondError(ProxyError.ADDRESS_DENIED);
      return;
    }
    RateLimiters.Refusal refusal = snapshot.limits().admit(route.name(), client);
    if (refusal != null) {
      rateLimited(refusal);
      return;
    }
    if (!policy.requiresToken()) {
      route.meters().auth("public");
      fetch();
      return;
    }
    String token;
    try {
      token =
          TokenExtractor.extract(snapshot.config().jwt().tokenSources(), requestHeaders, rawQuery);
    } catch (TokenExtractor.AmbiguousTokenException e) {
      route.meters().auth("ambiguous");
      respondError(ProxyError.AMBIGUOUS_TOKEN);
      return;
    }
    if (token == null) {
      route.meters().auth("missing");
      respondError(ProxyError.MISSING_TOKEN);
      return;
    }
    Verification verification = snapshot.jwt().verify(token, policy.issuers());
    CompletableFuture<Verification> later = verification.pending();
    if (later == null) {
      authorize(verification);
      return;
    }
    // The token names a key the proxy has not seen: its issuer's key set is being fetched.
    later.whenComplete(
        (result, error) ->
            ctx.executor()
                .execute(
                    () -> {
                      if (state == State.AUTHENTICATING) {
                        authorize(
                            result != null
                                ? result
                                : snapshot.jwt().verify(token, policy.issuers()));
                      }
                    }));
  }

  private void authorize(Verification verification) {
    if (verification.problem() != null || verification.token() == null) {
      route.meters().auth("invalid");
      TokenProblem problem =
          verification.problem() == null ? TokenProblem.UNKNOWN_KEY : verification.problem();
      writeError(
          ErrorResponses.render(
              ctx.alloc(),
              ProxyError.INVALID_TOKEN,
              problem.message(),
              info.requestId(),
              info.head()),
          ProxyError.INVALID_TOKEN);
      return;
    }
    VerifiedToken token = verification.token();
    subject = token.subject();
    issuer = token.issuerName();
    RateLimiters.Refusal refusal = snapshot.limits().admitSubject(issuer, subject);
    if (refusal != null) {
      rateLimited(refusal);
      return;
    }
    BucketPolicy.Decision decision = route.policy().check(token, path);
    if (decision != BucketPolicy.Decision.ALLOW) {
      route.meters().auth("forbidden");
      respondError(
          decision == BucketPolicy.Decision.PATH
              ? ProxyError.FORBIDDEN_PATH
              : ProxyError.FORBIDDEN_CLAIMS);
      return;
    }
    route.meters().auth("ok");
    fetch();
  }

  private void rateLimited(RateLimiters.Refusal refusal) {
    route.meters().rateLimited(refusal.scope());
    FullHttpResponse response =
        ErrorResponses.render(ctx.alloc(), ProxyError.RATE_LIMITED, info.requestId(), info.head());
    String seconds = String.valueOf(refusal.retryAfterSeconds());
    response
        .headers()
        .set(HttpHeaderNames.RETRY_AFTER, seconds)
        .set("RateLimit-Limit", String.valueOf(refusal.limit().burst()))
        .set("RateLimit-Remaining", "0")
        .set("RateLimit-Reset", seconds);
    writeError(response, ProxyError.RATE_LIMITED);
  }

  /** CORS headers for a browser origin the bucket allows; none for any other request. */
  private void addCors(HttpHeaders headers) {
    CorsPolicy cors = route.policy().cors();
    String origin = requestHeaders.get(HttpHeaderNames.ORIGIN);
    if (cors != null && origin != null) {
      cors.response(origin).forEach(headers::set);
    }
  }

  private byte[] peerAddress() {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress inet
        && inet.getAddress() != null) {
      return inet.getAddress().getAddress();
    }
    return new byte[4];
  }

  /** Resolves signing credentials (off the loop when they must be fetched), then connects. */
  private void fetch() {
    state = State.CONNECTING;
    AwsCredentialsIdentity identity = upstream().credentials().current();
    if (identity != null) {
      connect(identity);
      return;
    }
    route
        .credentials()
        .fetch()
        .whenComplete(
            (id, error) ->
                ctx.executor()
                    .execute(
                        () -> {
                          if (state != State.CONNECTING) {
                            return;
                          }
                          if (error != null) {
                            LOG.warn(
                                "credentials unavailable bucket={} requestId={} reason={}",
                                route.name(),
                                info.requestId(),
                                rootMessage(error));
                            route.meters().upstreamError("credentials");
                            respondError(ProxyError.UPSTREAM_ERROR);
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
        FullHttpResponse response =
            ErrorResponses.render(
                ctx.alloc(), ProxyError.CIRCUIT_OPEN, info.requestId(), info.head());
        long seconds = Math.max(1, (breaker.retryAfterNanos() + 999_999_999L) / 1_000_000_000L);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, String.valueOf(seconds));
        writeError(response, ProxyError.CIRCUIT_OPEN);
      }
      return;
    }
    breakerPermit = true;
    attempt++;
    state = State.CONNECTING;
    Future<Channel> acquired = upstream().endpoint().acquire(ctx.channel().eventLoop());
    acquired.addListener(
        f -> {
          if (!f.isSuccess()) {
            if (state == State.CONNECTING) {
              LOG.warn(
                  "upstream unreachable bucket={} requestId={} reason={}",
                  route.name(),
                  info.requestId(),
                  rootMessage(f.cause()));
              route.meters().upstreamError("connect");
              breakerResult(false);
              if (!failover("connect") && !retry("connect", false)) {
                respondError(ProxyError.UPSTREAM_UNREACHABLE);
              }
            }
            return;
          }
          Channel ch = acquired.getNow();
          if (state != State.CONNECTING) {
            upstream().endpoint().release(ch);
            return;
          }
          try {
            send(ch, identity);
          } catch (RuntimeException e) {
            // A defect while building the request must not leave the client waiting and the
            // pooled connection held: both are let go at once.
            LOG.warn(
                "request not sent bucket={} requestId={} reason={}",
                route.name(),
                info.requestId(),
                e.getClass().getSimpleName());
            if (upstream == null) {
              ch.close();
              upstream().endpoint().release(ch);
            }
            releaseUpstream(false);
            breakerResult(null);
            respondError(ProxyError.INTERNAL);
          }
        });
  }

  private void send(Channel ch, AwsCredentialsIdentity identity) {
    upstream = ch;
    boolean reused = Boolean.TRUE.equals(ch.attr(USED).getAndSet(Boolean.TRUE));
    reusedConnection = reused;
    boolean headRequest = info.head() || probingSize;
    UpstreamHandler handler = (UpstreamHandler) ch.pipeline().get(UpstreamEndpoint.HANDLER);
    handler.attach(this, headRequest);

    Map<String, String> headers = new LinkedHashMap<>();
    if (!probingSize) {
      for (String name : FORWARDED_REQUEST_HEADERS) {
        String value = requestHeaders.get(name);
        if (value != null && (sendRange || !name.equals("range"))) {
          headers.put(name, value);
        }
      }
    }
    Map<String, List<String>> query = forwardedQuery();
    String path = upstream().target().objectPath(key);
    Map<String, List<String>> signed =
        S3RequestSigner.sign(headRequest, upstream().target(), path, query, headers, identity);

    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            headRequest ? HttpMethod.HEAD : HttpMethod.GET,
            path + queryString(query),
            Unpooled.EMPTY_BUFFER,
            TRUSTED_HEADERS,
            TRUSTED_TRAILERS);
    HttpHeaders out = request.headers();
    signed.forEach(out::add);
    out.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);

    state = State.WAITING_HEAD;
    upstreamSentNanos = System.nanoTime();
    long timeoutNanos = settings().responseTimeout().toNanos();
    responseTimeout =
        ctx.executor().schedule(this::onResponseTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
    ch.writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess() && upstream == ch) {
                onUpstreamFailure(reused && !staleRetried, f.cause());
              }
            });
  }

  private Map<String, List<String>> forwardedQuery() {
    if (rawQuery.isEmpty() || probingSize) {
      return Map.of();
    }
    Map<String, List<String>> params = new QueryStringDecoder(rawQuery, false).parameters();
    Map<String, List<String>> kept = new LinkedHashMap<>();
    for (String name : FORWARDED_QUERY) {
      List<String> values = params.get(name);
      if (values != null && !values.isEmpty()) {
        kept.put(name, List.of(values.get(0)));
      }
    }
    return kept;
  }

  private static String queryString(Map<String, List<String>> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    query.forEach(
        (name, values) -> {
          for (String value : values) {
            b.append(b.length() == 0 ? '?' : '&')
                .append(io.yatagarasu.proxy.s3.S3Uris.encodeQueryComponent(name))
                .append('=')
                .append(io.yatagarasu.proxy.s3.S3Uris.encodeQueryComponent(value));
          }
        });
    return b.toString();
  }

  @Override
  public void onUpstreamMessage(HttpObject msg) {
    if (state == State.DONE || state == State.CONNECTING) {
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
          info.requestId(),
          cause instanceof UpstreamHandler.UnexpectedAnswer
              ? cause.getMessage()
              : cause.getClass().getSimpleName());
      route.meters().upstreamError("malformed");
      releaseUpstream(false);
      respondError(ProxyError.UPSTREAM_ERROR);
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
      if (ifRange != null && status == 206 && !validatorMatches(response.headers())) {
        // The representation changed: the client gets all of it (RFC 9110 13.1.5).
        releaseUpstream(false);
        sendRange = false;
        ifRange = null;
        fetch();
        return;
      }
      streamHead(response);
    } else {
      state = State.ERROR_BODY;
      errorStatus = status;
      errorBody = new StringBuilder();
    }
  }

  private boolean validatorMatches(HttpHeaders upstreamHeaders) {
    if (ifRange.startsWith("\"")) {
      String etag = upstreamHeaders.get(HttpHeaderNames.ETAG);
      return etag != null && !etag.startsWith("W/") && etag.equals(ifRange);
    }
    String lastModified = upstreamHeaders.get(HttpHeaderNames.LAST_MODIFIED);
    if (lastModified == null) {
      return false;
    }
    try {
      return ZonedDateTime.parse(ifRange, DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant()
          .equals(
              ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private void streamHead(HttpResponse upstreamResponse) {
    int status = upstreamResponse.status().code();
    bodyless = info.head() || status == 304;
    HttpResponse response =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, upstreamResponse.status(), TRUSTED_HEADERS);
    HttpHeaders from = upstreamResponse.headers();
    HttpHeaders to = response.headers();
    for (CharSequence name : COPIED_RESPONSE_HEADERS) {
      String value = from.get(name);
      if (value != null) {
        to.set(name, value);
      }
    }
    for (Map.Entry<String, String> header : from) {
      if (header.getKey().regionMatches(true, 0, "x-amz-meta-", 0, 11)) {
        to.add(header.getKey(), header.getValue());
      }
    }
    if (!bodyless && !to.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setTransferEncodingChunked(response, true);
    }
    to.set(ErrorResponses.REQUEST_ID, info.requestId());
    addCors(to);
    if (!keepAlive) {
      to.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    clientStatus = status;
    state = State.STREAMING;
    ctx.write(response).addListener(ProxyFrontendHandler.CLOSE_ON_FAILURE);
  }

  private void onContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (content.decoderResult().isFailure()) {
      // Cut short (premature close, bad chunk): the status line may be gone, so close.
      content.release();
      LOG.warn(
          "upstream response broken bucket={} requestId={} reason={}",
          route.name(),
          info.requestId(),
          rootMessage(content.decoderResult().cause()));
      releaseUpstream(false);
      route.meters().upstreamError("broken");
      if (state == State.STREAMING) {
        abandon("upstream_broken");
      } else {
        respondError(ProxyError.UPSTREAM_ERROR);
      }
      return;
    }
    switch (state) {
      case STREAMING -> {
        if (bodyless) {
          content.release();
          if (last) {
            finishStreaming(LastHttpContent.EMPTY_LAST_CONTENT);
          }
          return;
        }
        bytesSent += content.content().readableBytes();
        if (last) {
          finishStreaming(content);
        } else {
          ctx.write(content).addListener(ProxyFrontendHandler.CLOSE_ON_FAILURE);
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

  private void finishStreaming(HttpContent last) {
    releaseUpstream(upstreamKeepAlive);
    state = State.DONE;
    ctx.writeAndFlush(last)
        .addListener(
            f -> {
              complete(clientStatus, f.isSuccess() ? null : "client_closed");
              frontend.exchangeDone(ctx, this, keepAlive && f.isSuccess());
            });
  }

  private void upstreamError() {
    String body = errorBody.toString();
    if (probingSize) {
      respondRangeNotSatisfiable(probedSize);
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
          info.requestId(),
          errorStatus,
          code);
    } else if (errorStatus >= 500) {
      LOG.warn(
          "upstream error bucket={} requestId={} status={} s3Code={}",
          route.name(),
          info.requestId(),
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
        respondRangeNotSatisfiable(size);
      } else {
        // S3 did not say how large the object is: ask with a HEAD, then answer.
        probingSize = true;
        fetch();
      }
      return;
    }
    respondError(error);
  }

  private void respondRangeNotSatisfiable(OptionalLong size) {
    FullHttpResponse response =
        ErrorResponses.render(ctx.alloc(), ProxyError.INVALID_RANGE, info.requestId(), info.head());
    if (size.isPresent()) {
      response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size.getAsLong());
    }
    writeError(response, ProxyError.INVALID_RANGE);
  }

  private void respondError(ProxyError error) {
    writeError(ErrorResponses.render(ctx.alloc(), error, info.requestId(), info.head()), error);
  }

  private void writeError(FullHttpResponse response, ProxyError error) {
    cancelTimeout();
    state = State.DONE;
    addCors(response.headers());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    long bytes = response.content().readableBytes();
    ctx.writeAndFlush(response)
        .addListener(
            f -> {
              bytesSent = bytes;
              complete(error.status(), error.code());
              frontend.exchangeDone(ctx, this, keepAlive && f.isSuccess());
            });
  }

  @Override
  public void onUpstreamReadComplete() {
    if (state == State.STREAMING) {
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        // The client is behind: stop reading from S3 until its socket drains.
        Channel ch = upstream;
        if (ch != null) {
          upstreamPaused = true;
          ch.config().setAutoRead(false);
        }
      }
    }
  }

  /** The client's socket drained below the low-water mark: resume reading from S3. */
  void clientWritable() {
    if (upstreamPaused && state == State.STREAMING) {
      upstreamPaused = false;
      Channel ch = upstream;
      if (ch != null) {
        ch.config().setAutoRead(true);
      }
    }
  }

  /**
   * Tries again after a capped, fully jittered backoff when attempts and the retry budget allow and
   * nothing has reached the client yet.
   *
   * @param refreshCredentials fetch the credentials anew first (S3 said they expired)
   */
  private boolean retry(String reason, boolean refreshCredentials) {
    RetryConfig settings = settings().retry();
    if (clientStatus != 0 || attempt >= settings.maxAttempts() || state == State.DONE) {
      return false;
    }
    if (!server.retryBudget().tryWithdraw()) {
      route.meters().retry("budget_exhausted");
      return false;
    }
    route.meters().retry(reason);
    state = State.CONNECTING;
    long cap =
        Math.min(
            settings.maxDelay().toNanos(),
            settings.baseDelay().toNanos() << Math.min(20, attempt - 1));
    long delay = ThreadLocalRandom.current().nextLong(cap + 1);
    ctx.executor()
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
                            ctx.executor()
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
    if ((state == State.STREAMING && !upstreamPaused) || state == State.ERROR_BODY) {
      LOG.warn(
          "upstream body stalled bucket={} requestId={} bytesSent={} after={}ms",
          route.name(),
          info.requestId(),
          bytesSent,
          settings().bodyIdleTimeout().toMillis());
      route.meters().upstreamError("body_idle");
      State before = state;
      releaseUpstream(false);
      if (before == State.STREAMING) {
        abandon("upstream_stalled");
      } else {
        respondError(ProxyError.UPSTREAM_ERROR);
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
          info.requestId(),
          bytesSent);
      abandon("upstream_closed");
      return;
    }
    if (before == State.WAITING_HEAD || before == State.ERROR_BODY) {
      LOG.warn(
          "upstream failed bucket={} requestId={} reason={}",
          route.name(),
          info.requestId(),
          cause == null ? "connection closed" : rootMessage(cause));
      breakerResult(false);
      if (!failover("closed") && !retry("closed", false)) {
        respondError(ProxyError.UPSTREAM_ERROR);
      }
    }
  }

  private void onResponseTimeout() {
    if (state != State.WAITING_HEAD) {
      return;
    }
    LOG.warn(
        "upstream response timeout bucket={} requestId={} after={}ms",
        route.name(),
        info.requestId(),
        settings().responseTimeout().toMillis());
    route.meters().upstreamError("timeout");
    releaseUpstream(false);
    breakerResult(false);
    if (!failover("timeout")) {
      respondError(ProxyError.UPSTREAM_TIMEOUT);
    }
  }

  /** The client went away: drop the upstream connection at once (it is not reused). */
  void clientClosed() {
    if (state == State.DONE) {
      return;
    }
    State before = state;
    state = State.DONE;
    cancelTimeout();
    releaseUpstream(false);
    complete(before == State.STREAMING ? clientStatus : 499, "client_closed");
  }

  /** The response cannot be completed: close the client connection so it sees a short body. */
  private void abandon(String reason) {
    state = State.DONE;
    complete(clientStatus, reason);
    frontend.exchangeDone(ctx, this, false);
  }

  /** The bucket's upstream settings: its own override, or the proxy-wide ones. */
  private io.yatagarasu.config.UpstreamConfig settings() {
    return snapshot.config().upstreamFor(route.config());
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
   * Sends the request on to the next replica when nothing has reached the client yet: on 5xx,
   * timeouts, connection failures and open circuits; never on 4xx answers.
   */
  private boolean failover(String reason) {
    if (clientStatus != 0 || targetIndex + 1 >= route.upstreams().size() || state == State.DONE) {
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
        info.requestId(),
        reason,
        upstream().endpoint().name());
    fetch();
    return true;
  }

  /** Logs and counts the request, and lets go of its snapshot: once, whatever path ended it. */
  private void complete(int status, String error) {
    if (completed) {
      return;
    }
    completed = true;
    breakerResult(null);
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

  private void releaseUpstream(boolean reusable) {
    Channel ch = upstream;
    if (ch == null) {
      return;
    }
    upstream = null;
    upstreamPaused = false;
    UpstreamHandler handler = (UpstreamHandler) ch.pipeline().get(UpstreamEndpoint.HANDLER);
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
    if (responseTimeout != null) {
      responseTimeout.cancel(false);
      responseTimeout = null;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
