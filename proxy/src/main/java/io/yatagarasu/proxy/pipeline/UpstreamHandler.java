package io.yatagarasu.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of every upstream connection: hands final responses to the {@link UpstreamFetch}
 * that holds the connection (interim {@code 1xx} answers are skipped), tells whether the connection
 * may go back to the pool, closes idle pooled connections before S3 does, and keeps the response
 * timeout of the request in flight.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter implements Runnable {
  /** More interim answers than this before the final one: the upstream is not speaking HTTP. */
  private static final int MAX_INTERIM = 8;

  /** A well-formed answer that has no place in a GET or HEAD exchange; its message is ours. */
  static final class UnexpectedAnswer extends DecoderException {
    UnexpectedAnswer(String message) {
      super(message);
    }
  }

  private UpstreamListener listener;
  private UpstreamResponseDecoder decoder;
  private ChannelHandlerContext ctx;

  /** When the head of the request in flight is due; 0 when no head is awaited. */
  private long headDeadline;

  /**
   * The one pending response-timeout check and when it runs. A head that arrives in time leaves it
   * pending instead of cancelling it, and the next request on the connection reuses it: a
   * keep-alive connection schedules one task per timeout period, not one per request.
   */
  private ScheduledFuture<?> timer;

  private long timerAt;
  private int interim;
  private boolean inInterim;
  private boolean framed;
  private boolean complete;

  /**
   * Hands the answers to the request about to be sent to {@code listener}.
   *
   * @param head the request is a HEAD, whose answer has no body
   */
  void attach(UpstreamListener listener, boolean head) {
    this.listener = listener;
    interim = 0;
    inInterim = false;
    framed = false;
    complete = false;
    if (decoder != null) {
      decoder.expectHead(head);
    }
  }

  void detach() {
    this.listener = null;
    headDeadline = 0;
  }

  /**
   * Starts the response timeout of the request about to be sent: unless {@link #headArrived()} is
   * called within {@code timeoutNanos}, the listener hears {@link
   * UpstreamListener#onUpstreamTimeout}.
   */
  void awaitHead(long timeoutNanos) {
    long now = ctx.executor().ticker().nanoTime();
    long deadline = now + timeoutNanos;
    headDeadline = deadline == 0 ? 1 : deadline;
    if (timer != null && timerAt - deadline > 0) {
      // The pending check comes after this deadline (a shorter timeout than before): move it.
      timer.cancel(false);
      timer = null;
    }
    if (timer == null) {
      timerAt = deadline;
      timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The head came (or the request is given up): the response timeout stops. */
  void headArrived() {
    headDeadline = 0;
  }

  /** The response-timeout check: the head's time is up, or a later head's, or none is awaited. */
  @Override
  public void run() {
    timer = null;
    UpstreamListener l = listener;
    if (headDeadline == 0 || l == null) {
      return;
    }
    long left = headDeadline - ctx.executor().ticker().nanoTime();
    if (left > 0) {
      timerAt = headDeadline;
      timer = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
    } else {
      headDeadline = 0;
      l.onUpstreamTimeout();
    }
  }

  /**
   * Whether the connection may serve another request: the final answer was read to its declared end
   * (its {@code Content-Length} or last chunk), it allowed keep-alive, and no byte came after it.
   * Anything else leaves the stream out of step with the next request.
   */
  boolean reusable(Channel channel) {
    return complete && framed && channel.isActive() && (decoder == null || decoder.buffered() == 0);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    decoder = ctx.pipeline().get(UpstreamResponseDecoder.class);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l == null || !(msg instanceof HttpObject http)) {
      ReferenceCountUtil.release(msg);
      if (l == null) {
        // Bytes on an idle connection: the stream is out of step, so it cannot be reused.
        ctx.close();
      }
      return;
    }
    if (inInterim && msg instanceof LastHttpContent) {
      // The (always empty) end of an interim answer.
      inInterim = false;
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response && response.decoderResult().isSuccess()) {
      int code = response.status().code();
      if (code >= 100 && code < 200 && code != 101) {
        // RFC 9110 15.2: a client skips interim answers it cannot use and waits for the final one.
        if (++interim <= MAX_INTERIM) {
          inInterim = true;
          ReferenceCountUtil.release(msg);
          return;
        }
        response.setDecoderResult(
            DecoderResult.failure(new UnexpectedAnswer("too many interim responses")));
      } else if (code == 101) {
        // The proxy never asks to switch protocols: after this the stream is not HTTP/1.1.
        response.setDecoderResult(
            DecoderResult.failure(new UnexpectedAnswer("unrequested protocol switch")));
      } else {
        framed =
            HttpUtil.isKeepAlive(response)
                && (HttpUtil.isContentLengthSet(response)
                    || HttpUtil.isTransferEncodingChunked(response)
                    || (decoder != null && decoder.isBodyless(response)));
      }
    }
    if (msg instanceof LastHttpContent last && last.decoderResult().isSuccess()) {
      complete = true;
    }
    l.onUpstreamMessage(http);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.onUpstreamReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    headDeadline = 0;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.onUpstreamClosed(null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener l = listener;
    listener = null;
    ctx.close();
    if (l != null) {
      l.onUpstreamClosed(cause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      UpstreamListener l = listener;
      if (l == null) {
        if (idle.state() == IdleState.ALL_IDLE) {
          ctx.close();
        }
      } else if (idle.state() == IdleState.READER_IDLE) {
        l.onUpstreamIdle();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }
}
