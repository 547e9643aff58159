package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-loop pool against real sockets on a real NIO event loop. */
class LoopConnectionPoolTest {
  private static final ChannelInboundHandlerAdapter SHARED =
      new ChannelInboundHandlerAdapter() {
        @Override
        public boolean isSharable() {
          return true;
        }
      };
  private static MultiThreadIoEventLoopGroup group;
  private static Channel server;

  /** Server-side ends of the accepted connections. */
  private static final ConcurrentLinkedQueue<Channel> accepted = new ConcurrentLinkedQueue<>();

  private final EventLoop loop = group.next();
  private final List<LoopConnectionPool> pools = new ArrayList<>();
  private final List<Channel> resets = new ArrayList<>();

  @BeforeAll
  static void startServer() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                    accepted.add(ctx.channel());
                  }

                  @Override
                  public boolean isSharable() {
                    return true;
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  @AfterAll
  static void stopServer() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void closePools() {
    for (LoopConnectionPool pool : pools) {
      pool.close().syncUninterruptibly();
    }
  }

  @Test
  void opensNoMoreThanTheLimitAndQueuesTheRest() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 2, 60_000);
    Lease first = acquire(pool);
    Lease second = acquire(pool);
    Lease third = acquire(pool);

    assertThat(first.channel()).isNotSameAs(second.channel());
    assertThat(third.result.isDone()).isFalse();
    assertThat(onLoop(pool::leasedCount)).isEqualTo(2);
    await().atMost(5, TimeUnit.SECONDS).until(() -> accepted.size() >= 2);
    assertThat(onLoop(pool::idleCount)).isZero();
  }

  @Test
  void handsReleasedConnectionsToWaitersInArrivalOrder() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 60_000);
    Channel held = acquire(pool).channel();
    Lease firstWaiter = acquire(pool);
    Lease secondWaiter = acquire(pool);

    release(pool, held);
    assertThat(firstWaiter.channel()).isSameAs(held);
    assertThat(secondWaiter.result.isDone()).isFalse();
    assertThat(resets).containsExactly(held);

    release(pool, held);
    assertThat(secondWaiter.channel()).isSameAs(held);
    assertThat(onLoop(pool::leasedCount)).isEqualTo(1);
  }

  @Test
  void failsAWaiterAfterTheAcquireTimeout() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 50);
    Channel held = acquire(pool).channel();
    Lease waiter = acquire(pool);

    await().atMost(5, TimeUnit.SECONDS).until(waiter.result::isDone);
    assertThat(waiter.result)
        .failsWithin(0, TimeUnit.SECONDS)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(LoopConnectionPool.AcquireTimeoutException.class);

    // The timed-out waiter is gone: the next release goes back to the idle stack.
    release(pool, held);
    assertThat(onLoop(pool::idleCount)).isEqualTo(1);
    assertThat(onLoop(pool::leasedCount)).isZero();
  }

  @Test
  void reusesTheMostRecentlyReleasedConnectionFirst() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 2, 60_000);
    Channel a = acquire(pool).channel();
    Channel b = acquire(pool).channel();
    release(pool, a);
    release(pool, b);

    assertThat(acquire(pool).channel()).isSameAs(b);
    assertThat(acquire(pool).channel()).isSameAs(a);
  }

  @Test
  void dropsAnIdleConnectionTheServerClosedAndNeverHandsItOut() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 60_000);
    Channel first = acquire(pool).channel();
    release(pool, first);
    await().atMost(5, TimeUnit.SECONDS).until(() -> !accepted.isEmpty());
    for (Channel peer : accepted) {
      peer.close();
    }

    await().atMost(5, TimeUnit.SECONDS).until(() -> onLoop(pool::idleCount) == 0);
    Channel second = acquire(pool).channel();
    assertThat(second).isNotSameAs(first);
    assertThat(second.isActive()).isTrue();
  }

  @Test
  void skipsAnInactiveIdleConnectionStillOnTheStack() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 60_000);
    Channel first = acquire(pool).channel();
    release(pool, first);
    // Closed and acquired again in the same loop task: the close listener has not run yet.
    Lease next =
        onLoop(
            () -> {
              first.unsafe().close(first.voidPromise());
              return acquire0(pool);
            });

    assertThat(next.channel()).isNotSameAs(first);
    assertThat(next.channel().isActive()).isTrue();
    assertThat(first.isActive()).isFalse();
  }

  @Test
  void aClosedConnectionReleasedFreesItsPlaceForTheNextWaiter() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 60_000);
    Channel held = acquire(pool).channel();
    Lease waiter = acquire(pool);
    held.close().syncUninterruptibly();

    release(pool, held);
    Channel fresh = waiter.channel();
    assertThat(fresh).isNotSameAs(held);
    assertThat(fresh.isActive()).isTrue();
    assertThat(resets).isEmpty();
  }

  @Test
  void reportsAConnectFailureAndFreesItsPlace() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    LoopConnectionPool pool = pool(new InetSocketAddress("127.0.0.1", closedPort), 1, 60_000);
    Lease lease = acquire(pool);

    await().atMost(5, TimeUnit.SECONDS).until(lease.result::isDone);
    assertThat(lease.result)
        .failsWithin(0, TimeUnit.SECONDS)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ConnectException.class);
    assertThat(onLoop(pool::leasedCount)).isZero();
  }

  @Test
  void closeClosesIdleConnectionsAndConnectionsReleasedAfterIt() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 2, 60_000);
    Channel idle = acquire(pool).channel();
    Channel held = acquire(pool).channel();
    release(pool, idle);

    pool.close().syncUninterruptibly();
    assertThat(idle.isActive()).isFalse();
    assertThat(held.isActive()).isTrue();
    assertThat(acquire(pool).result)
        .failsWithin(5, TimeUnit.SECONDS)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class);

    // A connection in use when the pool closed is closed when it comes back.
    release(pool, held);
    await().atMost(5, TimeUnit.SECONDS).until(() -> !held.isActive());
  }

  @Test
  void closeFailsWaiters() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 60_000);
    acquire(pool).channel();
    Lease first = acquire(pool);
    Lease second = acquire(pool);

    pool.close().syncUninterruptibly();
    for (Lease waiter : List.of(first, second)) {
      assertThat(waiter.result)
          .failsWithin(5, TimeUnit.SECONDS)
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void acceptsAReleaseFromAnotherThread() throws Exception {
    LoopConnectionPool pool = pool(server.localAddress(), 1, 60_000);
    Channel ch = acquire(pool).channel();

    pool.release(ch); // from the test thread: the pool hops to its loop
    await().atMost(5, TimeUnit.SECONDS).until(() -> onLoop(pool::idleCount) == 1);
    assertThat(acquire(pool).channel()).isSameAs(ch);
  }

  private LoopConnectionPool pool(java.net.SocketAddress address, int max, long timeoutMillis) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .remoteAddress(address)
            .handler(SHARED);
    LoopConnectionPool pool =
        new LoopConnectionPool(loop, bootstrap, max, timeoutMillis, resets::add);
    pools.add(pool);
    return pool;
  }

  /** One acquisition, and what it was told. */
  private record Lease(CompletableFuture<Channel> result) implements LoopConnectionPool.Acquirer {
    @Override
    public void acquired(Channel ch) {
      assertThat(ch.isActive()).isTrue();
      if (!result.complete(ch)) {
        throw new AssertionError("told twice");
      }
    }

    @Override
    public void acquireFailed(Throwable cause) {
      if (!result.completeExceptionally(cause)) {
        throw new AssertionError("told twice");
      }
    }

    Channel channel() throws Exception {
      return result.get(5, TimeUnit.SECONDS);
    }
  }

  private Lease acquire(LoopConnectionPool pool) throws Exception {
    return onLoop(() -> acquire0(pool));
  }

  private static Lease acquire0(LoopConnectionPool pool) {
    Lease lease = new Lease(new CompletableFuture<>());
    pool.acquire(lease);
    return lease;
  }

  private void release(LoopConnectionPool pool, Channel ch) throws Exception {
    onLoop(
        () -> {
          pool.release(ch);
          return null;
        });
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(5, TimeUnit.SECONDS);
  }
}
