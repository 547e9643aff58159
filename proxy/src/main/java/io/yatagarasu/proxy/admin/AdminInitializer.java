package io.yatagarasu.proxy.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.LingeringClose;
import io.yatagarasu.proxy.pipeline.RequestHeaderTimeoutHandler;
import io.yatagarasu.proxy.pipeline.ServedCertificate;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The pipeline of an admin connection, with the data listener's protections: at most {@link
 * #MAX_CONNECTIONS} connections, the data listener's request-head and idle timeouts, and bodies
 * checked (size and token) from the request head before any of it is read.
 */
public final class AdminInitializer extends ChannelInitializer<SocketChannel> {
  /** Open admin connections at most: the operator, a scraper and probes need a handful. */
  public static final int MAX_CONNECTIONS = 64;

  private final AtomicInteger open = new AtomicInteger();
  private final Supplier<ServerConfig> serverSettings;
  private final SnapshotManager snapshots;
  private final ProxyMetrics metrics;
  private final Executor blocking;
  private final BooleanSupplier draining;
  private final IntSupplier maxBodyBytes;
  private final AdminToken token = AdminHandler.newToken();
  private final ObjectCache cache;
  private final io.yatagarasu.proxy.pipeline.CacheWarmer warmer;
  private final Supplier<ServedCertificate> certificate;

  public AdminInitializer(
      SnapshotManager snapshots,
      ProxyMetrics metrics,
      Executor blocking,
      BooleanSupplier draining,
      IntSupplier maxBodyBytes,
      Supplier<ServerConfig> serverSettings,
      ObjectCache cache,
      io.yatagarasu.proxy.pipeline.CacheWarmer warmer,
      Supplier<ServedCertificate> certificate) {
    this.cache = cache;
    this.warmer = warmer;
    this.certificate = java.util.Objects.requireNonNull(certificate, "certificate");
    this.serverSettings = serverSettings;
    this.snapshots = snapshots;
    this.metrics = metrics;
    this.blocking = blocking;
    this.draining = draining;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (open.incrementAndGet() > MAX_CONNECTIONS) {
      open.decrementAndGet();
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    ServerConfig settings = serverSettings.get();
    AdminHandler handler =
        new AdminHandler(snapshots, metrics, blocking, token, draining, cache, warmer, certificate);
    ch.pipeline()
        .addLast(new RequestHeaderTimeoutHandler(settings.requestHeaderTimeout().toNanos()))
        .addLast(new HttpServerCodec(4096, 16384, 65536))
        .addLast(
            new IdleStateHandler(
                true, 0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast(new AdminGate(handler::authorized))
        .addLast(new JsonLimitAggregator(maxBodyBytes.getAsInt()))
        .addLast(handler);
  }

  /**
   * Answers an oversized body with the admin API's JSON error, then closes lingering: the client is
   * usually still sending the body.
   */
  private static final class JsonLimitAggregator extends HttpObjectAggregator {
    JsonLimitAggregator(int maxContentLength) {
      super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      FullHttpResponse response =
          AdminHandler.status("too large", HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(LingeringClose.CLOSE);
    }
  }
}
