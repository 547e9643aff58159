package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.yatagarasu.config.BuildInfo;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.proxy.SnapshotManager.ApplyResult;
import io.yatagarasu.proxy.admin.AdminInitializer;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.CacheWarmer;
import io.yatagarasu.proxy.pipeline.ProxyInitializer;
import io.yatagarasu.proxy.pipeline.ServedCertificate;
import io.yatagarasu.proxy.pipeline.ServerContext;
import io.yatagarasu.proxy.pipeline.TlsContexts;
import io.yatagarasu.proxy.pipeline.Upstreams;
import io.yatagarasu.proxy.s3.CredentialSource;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: the data listener, the admin listener on event loops of its own (so it answers
 * whatever the data plane does), the snapshot manager, and the metrics.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
  private static final long TLS_CHECK_SECONDS = 2;
  // Keys a warm fetches at a time, for the whole proxy: enough to fill quickly, too few to crowd
  // out clients or trip S3 request limits.
  private static final int WARM_PARALLELISM = 4;

  private final Transports transports;
  private final EventLoopGroup group;
  private final EventLoopGroup adminGroup;
  private final ExecutorService blocking;
  private final Upstreams upstreams;
  private final CredentialSource defaultChain;
  private final ProxyMetrics metrics;
  private final SnapshotManager snapshots;
  private final ObjectCache cache;
  private final ScheduledExecutorService scheduler;
  private final JwksRegistry jwks;
  private Channel dataChannel;
  private Channel adminChannel;
  private final ServerContext context;
  private final CacheWarmer warmer;
  private volatile TlsContexts tls;
  private final java.util.concurrent.atomic.AtomicBoolean draining =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private ProxyServer(ProxyConfig config) {
    Transports.Opened<Transports.EventLoops> loops =
        Transports.open(config.server().transport(), t -> t.eventLoops(ioThreads()));
    this.transports = loops.transports();
    this.group = loops.value().io();
    this.adminGroup = loops.value().admin();
    this.blocking =
        Executors.newCachedThreadPool(new DefaultThreadFactory("yatagarasu-blocking", true));
    this.upstreams = new Upstreams(group, transports);
    this.defaultChain = CredentialSource.defaultChain(blocking);
    this.metrics = new ProxyMetrics();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("yatagarasu-scheduler", true));
    this.jwks = new JwksRegistry(blocking, scheduler, System::currentTimeMillis);
    this.snapshots =
        new SnapshotManager(
            new ProxySnapshot.Services(
                upstreams, defaultChain, metrics, jwks, System::currentTimeMillis));
    this.cache =
        new ObjectCache(
            config.cache().enabled(),
            config.cache().maxSize(),
            System::currentTimeMillis,
            metrics.cache());
    // A swap keeps the cache: only entries of targets no bucket caches from any more are dropped.
    snapshots.onApplied(snapshot -> cache.configure(snapshot.config()));
    this.context = new ServerContext(snapshots, metrics, cache);
    // Then the listed keys of the new configuration are fetched, a few at a time.
    this.warmer = new CacheWarmer(context, snapshots, group, WARM_PARALLELISM);
    snapshots.onApplied(warmer::onApplied);
    io.micrometer.core.instrument.Gauge.builder(
            "yatagarasu.shutdown.draining", draining, d -> d.get() ? 1 : 0)
        .description("1 while a shutdown drains (readiness is off), else 0")
        .register(metrics.registry());
    io.micrometer.core.instrument.Gauge.builder("yatagarasu.transport.info", () -> 1)
        .description("The I/O transport in use (label transport: io_uring, epoll or nio), value 1")
        .tag("transport", transports.name())
        .register(metrics.registry());
    metrics.upstreamConnections(
        () -> {
          ProxySnapshot snapshot = snapshots.current();
          return snapshot == null ? 0 : snapshot.openUpstreamConnections();
        });
  }

  /** Applies the first configuration, then binds the data and admin listeners. */
  public static ProxyServer start(ProxyConfig config) throws InterruptedException {
    return start(new ConfigDocument(config, OptionalLong.empty()), "file");
  }

  /** Applies the first document (from {@code source}), then binds the listeners. */
  public static ProxyServer start(ConfigDocument document, String source)
      throws InterruptedException {
    requireNonNull(document, "document");
    ProxyConfig config = document.config();
    ProxyServer server = new ProxyServer(config);
    try {
      ApplyResult first = server.snapshots.apply(document, OptionalLong.empty(), source);
      if (first.status() != SnapshotManager.Status.APPLIED) {
        throw new IllegalStateException("configuration rejected: " + first.errors());
      }
      server.bind(config);
    } catch (RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    BuildInfo build = ProxyMain.build();
    LOG.info(
        "proxy started version={} revision={} data={} admin={} transport={}{}{} buckets={}"
            + " generation={} configHash={}",
        build.version(),
        build.revision(),
        server.dataAddress(),
        server.adminAddress(),
        server.transports.name(),
        server.transports.receiveRing() ? " receiveRing=" + Transports.RECEIVE_RING_SIZE : "",
        server.transports.fallback() == null
            ? ""
            : " transportFallback=\"" + server.transports.fallback() + "\"",
        config.buckets().size(),
        server.snapshots.current().generation(),
        server.snapshots.current().hash());
    return server;
  }

  private void bind(ProxyConfig config) throws InterruptedException {
    TlsContexts tls = null;
    if (config.server().tls() != null) {
      try {
        tls =
            new TlsContexts(
                config.server().tls(),
                new TlsContexts.Listener() {
                  @Override
                  public void loaded(ServedCertificate certificate) {
                    metrics.tlsCertificateLoaded(
                        certificate.serialNumber(),
                        certificate.sha256(),
                        certificate.notAfter(),
                        certificate.loadedAt());
                  }

                  @Override
                  public void failed() {
                    metrics.tlsCertificateReloadFailed();
                  }
                },
                Clock.systemUTC());
      } catch (javax.net.ssl.SSLException e) {
        throw new IllegalStateException("server.tls: " + e.getMessage(), e);
      }
      TlsContexts contexts = tls;
      this.tls = tls;
      // Certificates rotate by file (a renewed Secret): look for changes every few seconds.
      scheduler.scheduleWithFixedDelay(
          () -> {
            ProxySnapshot snapshot = snapshots.current();
            if (snapshot != null && snapshot.config().server().tls() != null) {
              contexts.refresh(snapshot.config().server().tls());
            }
          },
          TLS_CHECK_SECONDS,
          TLS_CHECK_SECONDS,
          TimeUnit.SECONDS);
    }
    dataChannel =
        bindListener(
            group,
            config.server().listen(),
            new ProxyInitializer(config.server(), context, tls),
            "data listener");
    adminChannel =
        bindListener(
            adminGroup,
            config.admin().listen(),
            new AdminInitializer(
                snapshots,
                metrics,
                blocking,
                draining::get,
                () -> {
                  ProxySnapshot snapshot = snapshots.current();
                  return (snapshot == null ? config : snapshot.config()).admin().maxBodyBytes();
                },
                () -> {
                  ProxySnapshot snapshot = snapshots.current();
                  return (snapshot == null ? config : snapshot.config()).server();
                },
                cache,
                warmer,
                this::servedCertificate),
            "admin listener");
  }

  /**
   * One event loop per CPU the JVM may use (container limits included), as nginx runs one worker
   * per core: the loops never block, so more would only add context switches and split the upstream
   * connection pools further. {@code -Dio.netty.eventLoopThreads} overrides it.
   */
  static int ioThreads() {
    return System.getProperty("io.netty.eventLoopThreads") != null
        ? 0
        : Runtime.getRuntime().availableProcessors();
  }

  private Channel bindListener(
      EventLoopGroup loops,
      ListenAddress address,
      ChannelInitializer<SocketChannel> initializer,
      String what)
      throws InterruptedException {
    ServerBootstrap bootstrap =
        transports
            .connectionOptions(new ServerBootstrap())
            .group(loops)
            .channel(transports.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.RECVBUF_ALLOCATOR, Transports.acceptAllocator())
            .childOption(ChannelOption.TCP_NODELAY, true)
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

  /** The certificate the data listener presents now, or null without TLS. */
  public ServedCertificate servedCertificate() {
    TlsContexts contexts = tls;
    return contexts == null ? null : contexts.served();
  }

  /**
   * The TLS provider of the data listener ({@code openssl} or {@code jdk}), or null without TLS.
   */
  public String tlsProvider() {
    TlsContexts contexts = tls;
    return contexts == null ? null : contexts.providerName();
  }

  public InetSocketAddress dataAddress() {
    return (InetSocketAddress) dataChannel.localAddress();
  }

  public InetSocketAddress adminAddress() {
    return (InetSocketAddress) adminChannel.localAddress();
  }

  /** The snapshot in force. */
  public ProxySnapshot snapshot() {
    return snapshots.current();
  }

  /** Where configurations are applied (file reloads and the admin API both go through it). */
  public SnapshotManager snapshots() {
    return snapshots;
  }

  /** Fetches listed keys into the object cache. */
  public CacheWarmer warmer() {
    return warmer;
  }

  /** The object cache (off unless the configuration turns it on). */
  public ObjectCache cache() {
    return cache;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  /** The transport in use ("epoll", "io_uring" or "nio"). */
  public String transport() {
    return transports.name();
  }

  /** What a graceful shutdown did. */
  public record ShutdownReport(int drained, int cut, long millis) {}

  /**
   * Stops gracefully: readiness turns 503 at once, requests are still served for {@code drainDelay}
   * (so load balancers notice), then the listener stops accepting, idle connections close,
   * in-flight requests get until {@code gracePeriod} to finish, and whatever remains is cut. Blocks
   * the calling thread (never an event loop) until done, then closes everything.
   */
  public ShutdownReport shutdown(java.time.Duration drainDelay, java.time.Duration gracePeriod)
      throws InterruptedException {
    long start = System.nanoTime();
    draining.set(true);
    LOG.info(
        "shutdown: readiness off, serving for {}ms more, inFlight={}",
        drainDelay.toMillis(),
        context == null ? 0 : context.inFlight());
    Thread.sleep(drainDelay.toMillis());
    if (dataChannel != null) {
      dataChannel.close().syncUninterruptibly();
    }
    int drained = context == null ? 0 : context.inFlight();
    if (context != null) {
      context
          .connections()
          .forEach(
              ch ->
                  ch.pipeline()
                      .fireUserEventTriggered(
                          io.yatagarasu.proxy.pipeline.ProxyFrontendHandler.DRAIN));
    }
    long deadline = System.nanoTime() + gracePeriod.toNanos();
    while (context != null && context.inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    int cut = context == null ? 0 : context.inFlight();
    if (context != null) {
      context.connections().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    LOG.info(
        "shutdown: stopped accepting with {} requests in flight; {} finished, {} cut at the"
            + " {}ms grace deadline; took {}ms",
        drained,
        drained - cut,
        cut,
        gracePeriod.toMillis(),
        millis);
    close();
    return new ShutdownReport(drained - cut, cut, millis);
  }

  /** Whether a shutdown has begun (readiness is then 503). */
  public boolean draining() {
    return draining.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (dataChannel != null) {
      dataChannel.close().syncUninterruptibly();
    }
    if (adminChannel != null) {
      adminChannel.close().syncUninterruptibly();
    }
    warmer.close();
    snapshots.close();
    // Upstream connections close on their event loops, so the loops stop only after that.
    if (!upstreams.closeEndpoints(5_000)) {
      LOG.warn("upstream connections still open after 5 s; stopping the event loops anyway");
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    adminGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    cache.close();
    upstreams.close();
    defaultChain.close();
    jwks.close();
    scheduler.shutdownNow();
    blocking.shutdownNow();
  }
}
