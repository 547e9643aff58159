package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.RequestIds;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes requests one at a time (pipelined ones wait their turn) and takes
 * each down the {@link RequestPath}, which answers what it can itself (health, bad paths, unknown
 * routes, wrong methods) and streams object requests through a {@link ClientResponse}. The
 * connection reads with auto-read on, so an ordinary keep-alive client costs no change of read
 * interest per request; only a client that pipelines (sends a request while one is answered) has
 * its reads paused until the queued requests are answered.
 *
 * <p>An HTTP/1.x request is dispatched once its body (which GET and HEAD never use) has been read
 * to the end and thrown away, so a malformed or oversized body is answered (400, 413) and closes
 * the connection instead of leaving the decoder swallowing input. After the client half-closes, or
 * after a request that ends the connection, nothing more is read: what was received is answered,
 * then the connection closes; when the client may still be sending (a body that was not read, more
 * pipelined requests) it closes lingering ({@link LingeringClose}). An HTTP/2 stream carries one
 * request, dispatched as soon as its HEADERS arrive: the client may keep the stream open after
 * them. This file is longer than most because reading, queueing and local answers share the
 * connection's state.
 */
public final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyFrontendHandler.class);

  /** Requests that may wait behind the one being answered; the next one is refused with 503. */
  static final int MAX_PIPELINED = 16;

  /** The largest request body read (and thrown away) on a GET or HEAD; beyond it, 413. */
  static final int MAX_DISCARDED_BODY_BYTES = 64 * 1024;

  private final ServerContext server;
  private final boolean http1;
  private final ArrayDeque<HttpRequest> pending = new ArrayDeque<>();
  private final PeerAddress peer = new PeerAddress();
  private ClientResponse exchange;
  private boolean closing;
  private boolean draining;

  /** The request whose body is being read; dispatched at its last content. */
  private HttpRequest reading;

  private long readingBytes;

  /** No further request is read: the client half-closed, or a request ends the connection. */
  private boolean inputDone;

  /** The request that ends the connection may leave input unread: see {@link LingeringClose}. */
  private boolean lingerOnClose;

  public ProxyFrontendHandler(ServerContext server) {
    this(server, true);
  }

  /**
   * @param http1 the connection speaks HTTP/1.x (false for an HTTP/2 stream, whose version and
   *     {@code Host} the HTTP/2 codec vouches for)
   */
  public ProxyFrontendHandler(ServerContext server, boolean http1) {
    this.server = server;
    this.http1 = http1;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (closing || inputDone) {
        return;
      }
      if (msg instanceof HttpRequest request) {
        reading = null;
        ProxyError invalid =
            request.decoderResult().isFailure() ? null : RequestChecks.check(request, http1);
        if (invalid != null) {
          // Version, Host or framing is wrong: answered in turn, and nothing after it is read.
          refuse(request, invalid);
          dispatch(ctx, request);
        } else if (!http1 || request.decoderResult().isFailure() || answeredFromHead(request)) {
          // An HTTP/2 stream (one request, answered at its HEADERS whether or not the client has
          // ended the stream; DATA frames are dropped), a broken head, or a method that gets 405:
          // answered without reading the body.
          dispatch(ctx, request);
        } else if (contentLength(request) > MAX_DISCARDED_BODY_BYTES) {
          refuse(request, ProxyError.BODY_TOO_LARGE);
          dispatch(ctx, request);
        } else {
          reading = request;
          readingBytes = 0;
        }
      }
      if (msg instanceof HttpContent content && !inputDone) {
        bodyContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * True for the methods answered (405, or a CORS preflight) from the head alone; GET and HEAD
   * bodies are read and dropped, any other method's body is never read.
   */
  private static boolean answeredFromHead(HttpRequest request) {
    HttpMethod method = request.method();
    return !HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method);
  }

  private static boolean hasBody(HttpRequest request) {
    return HttpUtil.isTransferEncodingChunked(request) || contentLength(request) > 0;
  }

  /** The declared body length; one that is not a number counts as too large. */
  static long contentLength(HttpRequest request) {
    try {
      return HttpUtil.getContentLength(request, 0L);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private void bodyContent(ChannelHandlerContext ctx, HttpContent content) {
    HttpRequest request = reading;
    if (content.decoderResult().isFailure()) {
      // Bad chunk framing, a body cut short: nothing after it can be trusted.
      reading = null;
      if (request != null) {
        refuse(request, ProxyError.BAD_REQUEST);
        dispatch(ctx, request);
      } else {
        endInput(ctx);
      }
      return;
    }
    if (request == null) {
      return;
    }
    readingBytes += content.content().readableBytes();
    if (readingBytes > MAX_DISCARDED_BODY_BYTES) {
      reading = null;
      refuse(request, ProxyError.BODY_TOO_LARGE);
      dispatch(ctx, request);
    } else if (content instanceof LastHttpContent) {
      reading = null;
      dispatch(ctx, request);
    }
  }

  /**
   * Marks a request to be answered with an error (in its turn), after which the connection ends.
   */
  private static void refuse(HttpRequest request, ProxyError error) {
    request.setDecoderResult(DecoderResult.failure(new Refusal(error)));
  }

  /** Answers a request now, or queues it behind the one being answered. */
  private void dispatch(ChannelHandlerContext ctx, HttpRequest request) {
    boolean ends =
        request.decoderResult().isFailure()
            || !HttpUtil.isKeepAlive(request)
            || (answeredFromHead(request) && hasBody(request));
    boolean full = (exchange != null || !pending.isEmpty()) && pending.size() >= MAX_PIPELINED;
    if (ends && (request.decoderResult().isFailure() || hasBody(request)) || full) {
      // The client may still be sending (a body not read, more requests): close lingering.
      lingerOnClose = true;
    }
    if (exchange != null || !pending.isEmpty()) {
      if (full) {
        refuse(request, ProxyError.PIPELINE_FULL);
        ends = true;
      }
      pending.add(request);
      pauseReading(ctx);
    } else {
      handle(ctx, request);
    }
    if (ends) {
      // RFC 9112 9.6: nothing after a request that closes the connection is processed.
      endInput(ctx);
    }
  }

  /** Reads no more requests; once every received one is answered, the connection closes. */
  private void endInput(ChannelHandlerContext ctx) {
    inputDone = true;
    reading = null;
    closeIfIdle(ctx);
  }

  private void closeIfIdle(ChannelHandlerContext ctx) {
    if (inputDone && exchange == null && pending.isEmpty() && !closing) {
      closing = true;
      // After the answers already written: writes complete in order.
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(lingerOnClose ? LingeringClose.CLOSE : ChannelFutureListener.CLOSE);
    }
  }

  /** Answers the next queued request, or waits for the next one to arrive. */
  private void next(ChannelHandlerContext ctx) {
    HttpRequest next = pending.poll();
    if (next != null) {
      handle(ctx, next);
    } else if (inputDone) {
      closeIfIdle(ctx);
    } else {
      awaitNextHead(ctx);
      resumeReading(ctx);
    }
  }

  /** Why a request is answered with an error in its turn (set as its decoder result). */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ProxyError error;

    Refusal(ProxyError error) {
      super(error.code(), null, false, false);
      this.error = error;
    }

    ProxyError error() {
      return error;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ClientResponse current = exchange;
    if (current != null && ctx.channel().isWritable()) {
      current.clientWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    pending.clear();
    ClientResponse current = exchange;
    exchange = null;
    if (current != null) {
      current.clientClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The client half-closed after its requests: answer them, then close.
      endInput(ctx);
    } else if (evt instanceof IdleStateEvent && exchange == null) {
      closing = true;
      ctx.close();
    } else if (evt == RequestHeaderTimeoutHandler.TIMED_OUT && exchange == null && !closing) {
      FullHttpResponse response =
          ErrorResponses.render(
              ctx.alloc(), ProxyError.REQUEST_TIMEOUT, RequestIds.generate(), false);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      closing = true;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else if (evt == DRAIN) {
      // Shutting down: idle connections close now, busy ones after their current answer.
      draining = true;
      if (exchange == null && pending.isEmpty()) {
        closing = true;
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  /** Sent to every client connection when the proxy stops accepting. */
  public static final Object DRAIN = new Object();

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and broken pipes are the client's business; anything else is worth a line.
    if (!(cause instanceof java.io.IOException)) {
      LOG.warn("client connection failed: {}", cause.toString());
    }
    closing = true;
    ctx.close();
  }

  /** Called by the {@link ClientResponse} once it is fully written (or abandoned). */
  void exchangeDone(ChannelHandlerContext ctx, ClientResponse done, boolean keepAlive) {
    if (exchange != done) {
      return;
    }
    exchange = null;
    if (!keepAlive || closing || draining) {
      closing = true;
      ctx.close();
      return;
    }
    next(ctx);
  }

  /** Pipelined requests are queued: read no more until they are answered. */
  private static void pauseReading(ChannelHandlerContext ctx) {
    ChannelConfig config = ctx.channel().config();
    if (config.isAutoRead()) {
      config.setAutoRead(false);
    }
  }

  private static void resumeReading(ChannelHandlerContext ctx) {
    ChannelConfig config = ctx.channel().config();
    if (!config.isAutoRead()) {
      config.setAutoRead(true);
    }
  }

  private static void awaitNextHead(ChannelHandlerContext ctx) {
    RequestHeaderTimeoutHandler timeout = ctx.pipeline().get(RequestHeaderTimeoutHandler.class);
    if (timeout != null) {
      timeout.awaitNext();
    }
  }

  private void handle(ChannelHandlerContext ctx, HttpRequest request) {
    server.requestPath().start(this, ctx, request);
  }

  /** The connection's peer address, worked out once. */
  PeerAddress peer() {
    return peer;
  }

  /** Whether the connection speaks HTTP/1.x (an HTTP/2 stream's target is in origin form). */
  boolean http1() {
    return http1;
  }

  /** The request path hands the connection an object request's response to wait for. */
  void exchangeStarted(ClientResponse response) {
    exchange = response;
  }

  /**
   * Writes an answer the request path gave without a bucket's upstream (an error, a preflight,
   * health), logs it, and goes on with the next request or closes.
   */
  void answerLocally(
      ChannelHandlerContext ctx,
      RequestInfo info,
      BucketRoute bucket,
      FullHttpResponse response,
      boolean keepAlive,
      String errorCode) {
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    int status = response.status().code();
    long bytes = response.content().readableBytes();
    ctx.writeAndFlush(response)
        .addListener(
            f -> {
              server.completed(
                  info,
                  bucket == null ? null : bucket.name(),
                  bucket == null ? null : bucket.meters(),
                  status,
                  bytes,
                  0,
                  -1,
                  errorCode);
              if (!f.isSuccess() || !keepAlive || draining) {
                closing = true;
                if (f.isSuccess() && lingerOnClose) {
                  LingeringClose.close(ctx.channel());
                } else {
                  ctx.close();
                }
              }
            });
    if (keepAlive && !draining) {
      next(ctx);
    } else {
      closing = true;
    }
  }

  /** What is known about a request before it is routed. */
  record RequestInfo(
      String requestId,
      String client,
      String method,
      String rawPath,
      boolean head,
      long startNanos) {}
}
