package io.yatagarasu.proxy.pipeline;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.yatagarasu.config.ServerConfig;
import java.util.concurrent.TimeUnit;

/** The pipeline of a client connection on the data listener. */
public final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
  /** Room on the request line for the method, spaces and protocol version around the URI. */
  private static final int REQUEST_LINE_OVERHEAD = 32;

  private final ServerConfig settings;
  private final ServerContext server;
  private final TlsContexts tls;

  public ProxyInitializer(ServerConfig settings, ServerContext server, TlsContexts tls) {
    this.settings = settings;
    this.server = server;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    // Limits and timeouts come from the snapshot in force when the connection opens.
    ServerConfig settings = server.serverSettings(this.settings);
    server.track(ch);
    if (tls != null) {
      ch.pipeline()
          .addLast("tls", tls.current().newHandler(ch.alloc()))
          .addLast("alpn", new ProtocolNegotiator(server, settings, c -> http1(c, settings)));
      return;
    }
    // A client may half-close after its last request and still read the answers (RFC 9112 9.6);
    // with TLS the close_notify exchange governs instead.
    ch.config().setAllowHalfClosure(true);
    http1(ch, settings);
  }

  private void http1(io.netty.channel.Channel ch, ServerConfig settings) {
    ch.pipeline()
        .addLast(
            "header-timeout",
            new RequestHeaderTimeoutHandler(settings.requestHeaderTimeout().toNanos()))
        .addLast(
            "http",
            new HttpServerCodec(
                settings.maxUriBytes() + REQUEST_LINE_OVERHEAD,
                settings.maxRequestHeaderBytes(),
                8192))
        .addLast(
            "idle",
            new IdleStateHandler(
                true, 0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast("proxy", new ProxyFrontendHandler(server));
  }
}
