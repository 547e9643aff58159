package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose client may still be sending a request body the server chose not to read
 * (an answer given from the request head: 413, 401, 405), without losing that answer: nginx's
 * {@code lingering_close}. Closing a socket with unread bytes in its receive buffer makes the
 * kernel send a reset, and a reset can destroy the answer in the client's buffers before the client
 * read it. So once the answer is flushed the server half-closes (TLS: close_notify, then FIN),
 * keeps reading and dropping whatever arrives, and closes when the client closes its side, after
 * {@link #MAX_BYTES} more bytes, or after {@link #TIME}, whichever comes first. Everything runs on
 * the channel's event loop; nothing waits.
 */
public final class LingeringClose {
  /** How long a closing connection keeps draining its client at most. */
  public static final Duration TIME = Duration.ofSeconds(5);

  /** How many more bytes a closing connection reads and drops at most. */
  public static final long MAX_BYTES = 4L * 1024 * 1024;

  static final String NAME = "lingering-close";

  /** Closes the channel of a completed write, lingering (a failed write closes at once). */
  public static final ChannelFutureListener CLOSE =
      future -> {
        if (future.isSuccess()) {
          close(future.channel());
        } else {
          future.channel().close();
        }
      };

  private LingeringClose() {}

  /**
   * Closes {@code channel} once its client stops sending (bounded in time and bytes); a channel
   * that cannot half-close (an HTTP/2 stream, a test channel) or whose input already ended closes
   * now.
   */
  public static void close(Channel channel) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> close(channel));
      return;
    }
    if (!(channel instanceof DuplexChannel duplex)
        || !channel.isActive()
        || duplex.isInputShutdown()
        || duplex.isOutputShutdown()
        || channel.pipeline().get(NAME) != null) {
      channel.close();
      return;
    }
    // First in the pipeline: the bytes still coming never reach the TLS or HTTP decoders.
    channel.pipeline().addFirst(NAME, new Drain());
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null) {
      tls.closeOutbound().addListener(f -> shutdownOutput(duplex));
    } else {
      shutdownOutput(duplex);
    }
    var deadline =
        channel.eventLoop().schedule(() -> channel.close(), TIME.toNanos(), TimeUnit.NANOSECONDS);
    channel.closeFuture().addListener(f -> deadline.cancel(false));
    channel.config().setAutoRead(true);
    channel.read();
  }

  private static void shutdownOutput(DuplexChannel channel) {
    if (!channel.isActive()) {
      return;
    }
    channel
        .shutdownOutput()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                channel.close();
              }
            });
  }

  /** Drops what the client still sends; closes when it is done or has sent too much. */
  private static final class Drain extends ChannelInboundHandlerAdapter {
    private long dropped;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        dropped += buf.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (dropped > MAX_BYTES) {
        ctx.close();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      // The handlers behind have stopped reading; keep asking even if one turned auto-read off.
      if (!ctx.channel().config().isAutoRead()) {
        ctx.read();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent
          || evt == ChannelInputShutdownReadComplete.INSTANCE) {
        ctx.close();
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
