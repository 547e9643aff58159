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
public final class RequestHeaderTimeoutHandler extends ChannelInboundHandlerAdapter {
  /** Fired down the pipeline when a head took too long. */
  public static final Object TIMED_OUT = new Object();

  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private boolean awaitingHead = true;
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
    if (awaitingHead && timer == null && msg instanceof ByteBuf buf && buf.isReadable()) {
      timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /** A whole request head was decoded. */
  public void headReceived() {
    awaitingHead = false;
    cancel();
  }

  /** The connection is ready for its next request. */
  public void awaitNext() {
    awaitingHead = true;
  }

  private void expire() {
    timer = null;
    if (awaitingHead && ctx.channel().isActive()) {
      ctx.fireUserEventTriggered(TIMED_OUT);
    }
  }

  private void cancel() {
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
