package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives a request's head {@code server.requestHeaderTimeout} from its first byte to arrive whole
 * (against slowloris clients). It sits before the HTTP decoder, so it sees bytes; the frontend
 * tells it when a head was decoded and when the connection waits for the next one. An idle
 * keep-alive connection (no byte yet) is left to the idle timeout. The admin listener uses it too.
 */
public final class RequestHeaderTimeoutHandler extends ChannelInboundHandlerAdapter
    implements Runnable {
  /** Fired down the pipeline when a head took too long. */
  public static final Object TIMED_OUT = new Object();

  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private boolean awaitingHead = true;

  /** A head's first byte arrived and the head is not decoded yet: the clock runs. */
  private boolean counting;

  private long deadlineNanos;

  /**
   * The one pending check. A head decoded in time leaves it pending instead of cancelling it, and
   * the next head's clock reuses it: a keep-alive connection schedules one task per timeout period,
   * not one per request.
   */
  private ScheduledFuture<?> timer;

  public RequestHeaderTimeoutHandler(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (awaitingHead && !counting && msg instanceof ByteBuf buf && buf.isReadable()) {
      counting = true;
      deadlineNanos = System.nanoTime() + timeoutNanos;
      if (timer == null) {
        timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** A whole request head was decoded. */
  public void headReceived() {
    awaitingHead = false;
    counting = false;
  }

  /** The connection is ready for its next request. */
  public void awaitNext() {
    awaitingHead = true;
  }

  /** The check: the head's time is up, or the clock now runs for a later head, or it stopped. */
  @Override
  public void run() {
    timer = null;
    if (!counting || !ctx.channel().isActive()) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      timer = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
    } else {
      ctx.fireUserEventTriggered(TIMED_OUT);
    }
  }

  private void cancel() {
    counting = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }
}
