package io.yatagarasu.proxy.pipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The keep-alive connections of one upstream address on one event loop.
 *
 * <p>Every connection of the pool lives on its loop, and so does the pool's state: acquisitions and
 * releases made elsewhere hop to the loop first, and on the loop nothing is locked, queued or
 * allocated to hand out an idle connection. Idle connections are kept on a stack (the most recently
 * used is reused first, so a few stay warm and the rest idle out); one that is no longer active is
 * closed and skipped. At most {@code maxConnections} connections are open or opening; an
 * acquisition beyond that waits, in order of arrival, for a released connection and fails after
 * {@code acquireTimeoutMillis} with an {@link AcquireTimeoutException}. A connection that closes
 * while idle (closed by the server, or by the idle handler) leaves the stack at once.
 */
final class LoopConnectionPool implements ChannelFutureListener {

  /** Told, on the pool's loop, the outcome of one {@link #acquire}: exactly one method, once. */
  interface Acquirer {
    /** A connection, active when handed out: give it back with {@link #release}. */
    void acquired(Channel ch);

    /** No connection: it could not be opened, none was free in time, or the pool is closed. */
    void acquireFailed(Throwable cause);
  }

  /** No connection was released in time for a waiting acquisition. */
  static final class AcquireTimeoutException extends TimeoutException {
    AcquireTimeoutException(long millis) {
      super("no pooled connection free within " + millis + " ms");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final int maxConnections;
  private final long acquireTimeoutMillis;
  private final Consumer<Channel> onRelease;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  /** Connections handed out or being opened; with the idle ones never more than the maximum. */
  private int leased;

  private boolean closed;

  /**
   * @param bootstrap connects new connections: bound to {@code loop}, with its remote address and
   *     the handler that sets up their pipeline
   * @param onRelease resets a released connection before it is reused
   */
  LoopConnectionPool(
      EventLoop loop,
      Bootstrap bootstrap,
      int maxConnections,
      long acquireTimeoutMillis,
      Consumer<Channel> onRelease) {
    this.loop = loop;
    this.bootstrap = bootstrap;
    this.maxConnections = maxConnections;
    this.acquireTimeoutMillis = acquireTimeoutMillis;
    this.onRelease = onRelease;
  }

  /**
   * Hands {@code acquirer} a connection: an idle one at once (on the loop, before this returns), a
   * new one once connected, or the next one released when all are in use.
   */
  void acquire(Acquirer acquirer) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> acquire(acquirer));
      return;
    }
    if (closed) {
      acquirer.acquireFailed(new IllegalStateException("connection pool closed"));
    } else if (leased < maxConnections) {
      leased++;
      lease(acquirer);
    } else {
      waiters.addLast(new Waiter(acquirer));
    }
  }

  /** Gives back a connection {@link #acquire} handed out; a closed one frees its place. */
  void release(Channel ch) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> release(ch));
      return;
    }
    if (closed) {
      ch.close();
      return;
    }
    Waiter next = waiters.pollFirst();
    if (!ch.isActive()) {
      ch.close();
      if (next == null) {
        leased--;
      } else {
        next.timeout.cancel(false);
        lease(next.acquirer);
      }
      return;
    }
    onRelease.accept(ch);
    if (next == null) {
      leased--;
      idle.push(ch);
    } else {
      next.timeout.cancel(false);
      next.acquirer.acquired(ch);
    }
  }

  /**
   * Closes the idle connections and fails the waiting acquisitions; connections in use are closed
   * when released.
   *
   * @return done when the idle connections are closed
   */
  Future<Void> close() {
    Promise<Void> done = loop.newPromise();
    if (loop.inEventLoop()) {
      close(done);
    } else {
      loop.execute(() -> close(done));
    }
    return done;
  }

  private void close(Promise<Void> done) {
    closed = true;
    Waiter waiter;
    while ((waiter = waiters.pollFirst()) != null) {
      waiter.timeout.cancel(false);
      waiter.acquirer.acquireFailed(new IllegalStateException("connection pool closed"));
    }
    PromiseCombiner closing = new PromiseCombiner(loop);
    Channel ch;
    while ((ch = idle.pollFirst()) != null) {
      closing.add(ch.close());
    }
    closing.finish(done);
  }

  /** Idle connections, for tests. */
  int idleCount() {
    return idle.size();
  }

  /** Connections handed out or being opened, for tests. */
  int leasedCount() {
    return leased;
  }

  /** Hands out the most recently used active idle connection, else a new one. */
  private void lease(Acquirer acquirer) {
    Channel ch;
    while ((ch = idle.pollFirst()) != null) {
      if (ch.isActive()) {
        acquirer.acquired(ch);
        return;
      }
      ch.close();
    }
    ChannelFuture connecting = bootstrap.connect();
    connecting.channel().closeFuture().addListener(this);
    if (connecting.isDone()) {
      connected(connecting, acquirer);
    } else {
      connecting.addListener(f -> connected(connecting, acquirer));
    }
  }

  private void connected(ChannelFuture connecting, Acquirer acquirer) {
    if (closed) {
      connecting.channel().close();
      acquirer.acquireFailed(new IllegalStateException("connection pool closed"));
    } else if (connecting.isSuccess()) {
      acquirer.acquired(connecting.channel());
    } else {
      Waiter next = waiters.pollFirst();
      if (next == null) {
        leased--;
      } else {
        // The place the failed connection held goes to the oldest waiter, which tries anew.
        next.timeout.cancel(false);
        lease(next.acquirer);
      }
      acquirer.acquireFailed(connecting.cause());
    }
  }

  /** A connection of the pool closed: if it was idle, it leaves the stack. */
  @Override
  public void operationComplete(ChannelFuture closeFuture) {
    idle.remove(closeFuture.channel());
  }

  /** An acquisition waiting for a released connection, failed when its time is up. */
  private final class Waiter implements Runnable {
    final Acquirer acquirer;
    final ScheduledFuture<?> timeout;

    Waiter(Acquirer acquirer) {
      this.acquirer = acquirer;
      this.timeout = loop.schedule(this, acquireTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
      if (waiters.remove(this)) {
        acquirer.acquireFailed(new AcquireTimeoutException(acquireTimeoutMillis));
      }
    }
  }
}
