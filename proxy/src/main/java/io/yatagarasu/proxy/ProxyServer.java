package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.proxy.admin.AdminHandler;
import io.yatagarasu.proxy.pipeline.ProxyInitializer;
import io.yatagarasu.proxy.pipeline.ServerContext;
import io.yatagarasu.proxy.pipeline.Upstreams;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the data listener, the admin listener, the event loops they share, and the one
 * reference to the configuration snapshot in force.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  private final Transports transports;
  private final EventLoopGroup group;
  private final ExecutorService blocking;
  private final Upstreams upstreams;
  private final AtomicReference<ProxySnapshot> current = new AtomicReference<>();
  private Channel dataChannel;
  private Channel adminChannel;

  private ProxyServer(ProxyConfig config) {
    this.transports = Transports.select(config.server().transport());
    this.group =
        new MultiThreadIoEventLoopGroup(
            0, new DefaultThreadFactory("yatagarasu-io", true), transports.ioHandlerFactory());
    this.blocking =
        Executors.newCachedThreadPool(new DefaultThreadFactory("yatagarasu-blocking", true));
    this.upstreams = new Upstreams(group, transports);
  }

  /** Builds the first snapshot, then binds the data and admin listeners. */
  public static ProxyServer start(ProxyConfig config) throws InterruptedException {
    requireNonNull(config, "config");
    ProxyServer server = new ProxyServer(config);
    try {
      server.current.set(ProxySnapshot.build(config, server.upstreams, server.blocking));
      server.bind(config);
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    LOG.info(
        "proxy started data={} admin={} transport={} buckets={} configHash={}",
        server.dataAddress(),
        server.adminAddress(),
        server.transports.name(),
        config.buckets().size(),
        server.current.get().hash());
    return server;
  }

  private void bind(ProxyConfig config) throws InterruptedException {
    ServerContext context = new ServerContext(current::get);
    dataChannel =
        bindListener(
            config.server().listen(),
            new ProxyInitializer(config.server(), context),
            "data listener",
            false);
    adminChannel =
        bindListener(
            config.admin().listen(),
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec(4096, 8192, 8192))
                    .addLast(new HttpObjectAggregator(64 * 1024))
                    .addLast(new AdminHandler(() -> current.get() != null));
              }
            },
            "admin listener",
            true);
  }

  private Channel bindListener(
      ListenAddress address,
      ChannelInitializer<SocketChannel> initializer,
      String what,
      boolean autoRead)
      throws InterruptedException {
    // The data listener reads only when a connection is ready for its next request.
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(transports.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.AUTO_READ, autoRead)
            .childHandler(initializer);
    try {
      return bootstrap.bind(address.host(), address.port()).sync().channel();
    } catch (Exception e) {
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      throw new IllegalStateException(
          "cannot bind the " + what + " to " + address + ": " + e.getMessage(), e);
    }
  }

  public InetSocketAddress dataAddress() {
    return (InetSocketAddress) dataChannel.localAddress();
  }

  public InetSocketAddress adminAddress() {
    return (InetSocketAddress) adminChannel.localAddress();
  }

  /** The snapshot in force. */
  public ProxySnapshot snapshot() {
    return current.get();
  }

  /** The transport in use ("epoll", "io_uring" or "nio"). */
  public String transport() {
    return transports.name();
  }

  @Override
  public void close() {
    if (dataChannel != null) {
      dataChannel.close().syncUninterruptibly();
    }
    if (adminChannel != null) {
      adminChannel.close().syncUninterruptibly();
    }
    ProxySnapshot snapshot = current.getAndSet(null);
    if (snapshot != null) {
      snapshot.close();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    upstreams.close();
    blocking.shutdownNow();
  }
}
