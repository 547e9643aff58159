package io.yatagarasu.proxy.pipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Keep-alive connections to one upstream address. Each event loop has its own pool, so a request's
 * upstream connection lives on the loop of its client connection and no pool is ever shared between
 * threads (see {@link LoopConnectionPool}).
 */
public final class UpstreamEndpoint implements AutoCloseable {
  static final String HANDLER = "upstream";

  private final String host;
  private final int port;
  private final SslContext sslContext;
  private final Bootstrap template;
  private final int maxConnectionsPerLoop;
  private final long acquireTimeoutMillis;
  private final long bodyIdleMillis;
  private final long idleCloseMillis;
  private final Map<EventLoop, LoopConnectionPool> pools = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean closed;
  private final CircuitBreaker breaker;
  private final String name;
  private final Consumer<UpstreamEndpoint> onClose;
  private final List<Future<Void>> closing = new CopyOnWriteArrayList<>();

  UpstreamEndpoint(
      String host,
      int port,
      SslContext sslContext,
      Bootstrap template,
      int maxConnectionsPerLoop,
      long connectTimeoutMillis,
      long bodyIdleMillis,
      long idleCloseMillis,
      CircuitBreaker breaker,
      Consumer<UpstreamEndpoint> onClose) {
    this.breaker = breaker;
    this.onClose = onClose;
    this.name = host + ":" + port;
    this.host = host;
    this.port = port;
    this.sslContext = sslContext;
    this.template = template;
    this.maxConnectionsPerLoop = maxConnectionsPerLoop;
    this.acquireTimeoutMillis = connectTimeoutMillis;
    this.bodyIdleMillis = bodyIdleMillis;
    this.idleCloseMillis = idleCloseMillis;
  }

  /** The endpoint's circuit breaker. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /** {@code host:port}, for metrics and logs. */
  public String name() {
    return name;
  }

  /** Whether {@link #close()} was called: the endpoint's snapshots are all gone. */
  public boolean isClosed() {
    return closed;
  }

  /** Open upstream connections, idle or in use. */
  public int openConnections() {
    return open.get();
  }

  /**
   * Hands {@code acquirer} a connection of {@code loop}'s pool: an idle one before this returns,
   * when there is one.
   */
  void acquire(EventLoop loop, LoopConnectionPool.Acquirer acquirer) {
    LoopConnectionPool pool = pools.get(loop);
    if (pool == null) {
      pool = pools.computeIfAbsent(loop, this::newPool);
    }
    pool.acquire(acquirer);
  }

  void release(Channel channel) {
    LoopConnectionPool pool = pools.get(channel.eventLoop());
    if (pool != null) {
      pool.release(channel);
    } else {
      channel.close();
    }
  }

  private LoopConnectionPool newPool(EventLoop loop) {
    // Auto-read stays on: a response is read as it arrives, at no cost in read-interest changes;
    // a fetch turns it off only while its consumer is behind (backpressure).
    Bootstrap bootstrap =
        template
            .clone(loop)
            .remoteAddress(host, port)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    created(ch);
                  }
                });
    return new LoopConnectionPool(
        loop, bootstrap, maxConnectionsPerLoop, acquireTimeoutMillis, UpstreamEndpoint::released);
  }

  private void created(Channel ch) {
    open.incrementAndGet();
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    if (sslContext != null) {
      ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc(), host, port));
    }
    ch.pipeline()
        // Reader idle: a response that stalls mid-body; all idle: a pooled connection closed
        // before S3 closes it.
        .addLast(
            "idle", new IdleStateHandler(bodyIdleMillis, 0, idleCloseMillis, TimeUnit.MILLISECONDS))
        .addLast("http", new UpstreamResponseDecoder(4096, 65536, 65536))
        .addLast("http-encoder", new HttpRequestEncoder())
        .addLast(HANDLER, new UpstreamHandler());
  }

  /** Readies a connection given back to its pool for the next request. */
  private static void released(Channel ch) {
    UpstreamHandler handler = (UpstreamHandler) ch.pipeline().get(HANDLER);
    if (handler != null) {
      handler.detach();
    }
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (LoopConnectionPool pool : pools.values()) {
      try {
        closing.add(pool.close());
      } catch (RejectedExecutionException e) {
        // The event loops are already shut down, and with them every connection of the pool.
      }
    }
    pools.clear();
    onClose.accept(this);
  }

  /** Whether the endpoint is closed and so are the connections of its pools. */
  boolean connectionsClosed() {
    return closed && closing.stream().allMatch(Future::isDone);
  }

  /**
   * Waits until the pools {@link #close()} closed have closed their idle connections. Each pool
   * closes them on its event loop, so the event loops must outlive this wait.
   */
  boolean awaitClosed(long deadlineNanos) {
    for (Future<Void> future : closing) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0 || !future.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1)) {
        return false;
      }
    }
    return true;
  }
}
