package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.yatagarasu.config.Transport;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A listener takes a burst of queued connections in one pass of its event loop (up to {@link
 * Transports#ACCEPTS_PER_PASS}): first with real sockets over NIO and epoll (io_uring submits its
 * accepts its own way), then on the read handle alone. Netty calls {@code continueReading} after
 * each accepted connection with its guess whether more are queued; the epoll transport of Netty 4.2
 * guesses from the accepted descriptor's number compared with the one "byte" it attempted, so it
 * always says no, and its own default took one connection per pass.
 */
class ListenerAcceptTest {
  private static final int BURST = 8;

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"NIO", "EPOLL"})
  void aListenerAcceptsAQueuedBurstInOnePass(Transport transport) throws Exception {
    assumeTrue(transport != Transport.EPOLL || Epoll.isAvailable(), "epoll unavailable");
    Transports transports = Transports.select(transport);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transports.ioHandlerFactory());
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger inPass = new AtomicInteger();
    AtomicInteger largestPass = new AtomicInteger();
    List<Socket> clients = new ArrayList<>();
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(transports.serverChannel())
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.RECVBUF_ALLOCATOR, Transports.acceptAllocator())
              .handler(
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                      inPass.incrementAndGet();
                      accepted.incrementAndGet();
                      ctx.fireChannelRead(msg);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                      largestPass.accumulateAndGet(inPass.getAndSet(0), Math::max);
                      ctx.fireChannelReadComplete();
                    }
                  })
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {}
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      // The loop is held while the whole burst connects: the kernel queues the connections, and
      // the listener finds all of them waiting on its next pass.
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      server
          .eventLoop()
          .execute(
              () -> {
                held.countDown();
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      InetSocketAddress address = (InetSocketAddress) server.localAddress();
      try {
        for (int i = 0; i < BURST; i++) {
          clients.add(new Socket(address.getAddress(), address.getPort()));
        }
      } finally {
        release.countDown();
      }
      // A pass ends with channelReadComplete: wait until the one that took the last is over.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> accepted.get() == BURST && inPass.get() == 0);
      assertThat(largestPass.get()).isEqualTo(BURST);
      server.close().sync();
    } finally {
      for (Socket client : clients) {
        client.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void acceptsUpToTheLimitInOnePassWhateverTheTransportGuesses() {
    RecvByteBufAllocator.ExtendedHandle handle = handle(Transports.acceptAllocator());
    int accepted = acceptWhileAllowed(handle, 1000);
    assertThat(accepted).isEqualTo(Transports.ACCEPTS_PER_PASS);
  }

  @Test
  void stopsWhenTheQueueIsEmpty() {
    RecvByteBufAllocator.ExtendedHandle handle = handle(Transports.acceptAllocator());
    assertThat(acceptWhileAllowed(handle, 5)).isEqualTo(5);
  }

  @Test
  void nettysListenerDefaultTakesOneConnectionPerPassWhenTheGuessIsNo() {
    // What the proxy no longer uses: kept as the reason for acceptAllocator().
    RecvByteBufAllocator.ExtendedHandle handle = handle(new ServerChannelRecvByteBufAllocator());
    assertThat(acceptWhileAllowed(handle, 1000)).isEqualTo(1);
  }

  private static RecvByteBufAllocator.ExtendedHandle handle(RecvByteBufAllocator allocator) {
    RecvByteBufAllocator.ExtendedHandle handle =
        (RecvByteBufAllocator.ExtendedHandle) allocator.newHandle();
    handle.reset(new DefaultChannelConfig(new EmbeddedChannel()));
    return handle;
  }

  /**
   * The accept loop of Netty's epoll listener: one connection per round (its descriptor recorded as
   * the bytes read, one byte attempted), continuing while the handle allows and {@code queued}
   * connections remain; the transport's guess that more are queued is always false.
   */
  private static int acceptWhileAllowed(RecvByteBufAllocator.ExtendedHandle handle, int queued) {
    int accepted = 0;
    int descriptor = 100;
    handle.attemptedBytesRead(1);
    do {
      if (accepted == queued) {
        break;
      }
      handle.lastBytesRead(descriptor++);
      handle.incMessagesRead(1);
      accepted++;
    } while (handle.continueReading(() -> false));
    handle.readComplete();
    return accepted;
  }
}
