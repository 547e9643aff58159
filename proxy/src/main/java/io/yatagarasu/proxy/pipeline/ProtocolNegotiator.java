package io.yatagarasu.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.yatagarasu.config.ServerConfig;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, builds the rest of the pipeline for the protocol ALPN chose: HTTP/2
 * (each stream gets its own request handler, converted to and from HTTP/1 objects) or HTTP/1.1.
 *
 * <p>On HTTP/2 every stream's answer is flushed on its own (it comes from its own upstream
 * response), so the flushes of the streams answered in one pass of the event loop are consolidated
 * into one: the frames of several answers leave in one TLS write and one system call instead of one
 * each.
 */
final class ProtocolNegotiator extends ApplicationProtocolNegotiationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProtocolNegotiator.class);

  private final ServerContext server;
  private final ServerConfig settings;
  private final Consumer<Channel> http1;

  ProtocolNegotiator(ServerContext server, ServerConfig settings, Consumer<Channel> http1) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.server = server;
    this.settings = settings;
    this.http1 = http1;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      ctx.pipeline()
          .addLast(
              "idle",
              new IdleStateHandler(
                  true, 0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
          .addLast("h2-flush", flushConsolidation())
          .addLast("h2", Http2Limits.serverCodec(settings))
          .addLast("h2-guard", new Http2ConnectionGuard(server.metrics()))
          .addLast(
              new Http2MultiplexHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel stream) {
                      stream
                          .pipeline()
                          .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                          .addLast(new ProxyFrontendHandler(server, false));
                    }
                  }));
    } else {
      http1.accept(ctx.channel());
    }
  }

  /**
   * Between TLS and the HTTP/2 codec: a flush (the codec flushes for each stream's answer and as
   * each stream closes) is held until the end of the current read, or of the current pass of the
   * event loop, and the held ones go out as one (at the latest after {@link
   * FlushConsolidationHandler#DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES} of them).
   */
  static FlushConsolidationHandler flushConsolidation() {
    return new FlushConsolidationHandler(
        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
  }

  /**
   * A client that goes away before the protocol is chosen (a reset during or right after the
   * handshake, as load tools do when they stop) is no fault of the proxy: closed without a warning.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (cause instanceof IOException) {
      LOG.debug(
          "connection closed before ALPN completed client={} reason={}",
          ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    server.metrics().tlsHandshakeFailure();
    LOG.debug(
        "TLS handshake failed client={} reason={}",
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }
}
