package io.yatagarasu.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every upstream connection: hands responses to the exchange that holds the
 * connection, and closes idle pooled connections before S3 does.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private UpstreamListener listener;

  void attach(UpstreamListener listener) {
    this.listener = listener;
  }

  void detach() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l != null && msg instanceof HttpObject http) {
      l.onUpstreamMessage(http);
    } else {
      ReferenceCountUtil.release(msg);
      if (l == null) {
        // Bytes on an idle connection: the stream is out of step, so it cannot be reused.
        ctx.close();
      }
    }
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
