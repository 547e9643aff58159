package io.yatagarasu.proxy.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** The pipeline of an admin connection; bodies over the configured limit get 413. */
public final class AdminInitializer extends ChannelInitializer<SocketChannel> {
  private final SnapshotManager snapshots;
  private final ProxyMetrics metrics;
  private final Executor blocking;
  private final BooleanSupplier draining;
  private final IntSupplier maxBodyBytes;
  private final AdminToken token = AdminHandler.newToken();

  public AdminInitializer(
      SnapshotManager snapshots,
      ProxyMetrics metrics,
      Executor blocking,
      BooleanSupplier draining,
      IntSupplier maxBodyBytes) {
    this.snapshots = snapshots;
    this.metrics = metrics;
    this.blocking = blocking;
    this.draining = draining;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast(new HttpServerCodec(4096, 16384, 65536))
        .addLast(new JsonLimitAggregator(maxBodyBytes.getAsInt()))
        .addLast(new AdminHandler(snapshots, metrics, blocking, token, draining));
  }

  /** Answers an oversized body with the admin API's JSON error, then closes. */
  private static final class JsonLimitAggregator extends HttpObjectAggregator {
    JsonLimitAggregator(int maxContentLength) {
      super(maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ctx.writeAndFlush(
              AdminHandler.status("too large", HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
