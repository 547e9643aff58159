package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits behind the HTTP/2 codec of one client connection: ends it with {@code ENHANCE_YOUR_CALM}
 * when the client sends more SETTINGS and PING frames than any client needs (each costs the proxy
 * an answer), closes it when it has been idle with no stream open, and counts every GOAWAY the
 * proxy sends. Netty's codec enforces the other limits (see {@link Http2Limits}).
 */
final class Http2ConnectionGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionGuard.class);
  private final ProxyMetrics metrics;
  private Http2FrameCodec codec;
  private long windowStart;
  private int controlFrames;
  private boolean calmed;

  Http2ConnectionGuard(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    codec = ctx.pipeline().get(Http2FrameCodec.class);
    windowStart = System.nanoTime();
    codec
        .connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onGoAwaySent(int lastStreamId, long errorCode, ByteBuf debugData) {
                Http2Error error = Http2Error.valueOf(errorCode);
                String code = error == null ? "UNKNOWN" : error.name();
                metrics.http2GoAway(code);
                if (error != Http2Error.NO_ERROR) {
                  LOG.debug(
                      "HTTP/2 connection ended client={} code={} reason={}",
                      ctx.channel().remoteAddress(),
                      code,
                      debugData.toString(StandardCharsets.UTF_8));
                }
              }
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if ((msg instanceof Http2PingFrame ping && !ping.ack()) || msg instanceof Http2SettingsFrame) {
      if (tooManyControlFrames()) {
        ReferenceCountUtil.release(msg);
        enhanceYourCalm(ctx);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (codec.connection().numActiveStreams() == 0) {
        // The codec's close sends GOAWAY (NO_ERROR) first.
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private boolean tooManyControlFrames() {
    long now = System.nanoTime();
    if (now - windowStart > TimeUnit.SECONDS.toNanos(Http2Limits.CONTROL_FRAME_WINDOW_SECONDS)) {
      windowStart = now;
      controlFrames = 0;
    }
    return ++controlFrames > Http2Limits.MAX_CONTROL_FRAMES_PER_WINDOW;
  }

  private void enhanceYourCalm(ChannelHandlerContext ctx) {
    if (calmed) {
      return;
    }
    calmed = true;
    // Through the codec's own error path: it sends GOAWAY with the code, then closes.
    codec.onError(
        ctx.pipeline().context(codec),
        false,
        Http2Exception.connectionError(
            Http2Error.ENHANCE_YOUR_CALM,
            "more than %d SETTINGS and PING frames within %d seconds",
            Http2Limits.MAX_CONTROL_FRAMES_PER_WINDOW,
            Http2Limits.CONTROL_FRAME_WINDOW_SECONDS));
  }
}
