package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.yatagarasu.config.Transport;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The choice of transport with the kernel's answers given, so it holds on any machine. */
class TransportsTest {
  static {
    // Before anything here asks Netty's IoUring class, as the proxy's start does.
    Transports.acceptAllocator();
  }

  private static final Supplier<Throwable> AVAILABLE = () -> null;
  private static final Supplier<Throwable> NO_IO_URING =
      () -> new RuntimeException("failed to create io_uring ring fd", new IOException("EPERM"));
  private static final Supplier<Throwable> NO_EPOLL =
      () -> new UnsatisfiedLinkError("no netty_transport_native_epoll in java.library.path");

  @Test
  void autoPrefersIoUringWhenTheKernelAllowsIt() {
    Transports.Choice choice = Transports.choose(Transport.AUTO, AVAILABLE, AVAILABLE);

    assertThat(choice.transport()).isEqualTo(Transport.IO_URING);
    assertThat(choice.fallback()).isNull();
  }

  @Test
  void autoFallsBackToEpollAndSaysWhyWhenIoUringIsRefused() {
    Transports.Choice choice = Transports.choose(Transport.AUTO, NO_IO_URING, AVAILABLE);

    assertThat(choice.transport()).isEqualTo(Transport.EPOLL);
    assertThat(choice.fallback())
        .isEqualTo("io_uring unavailable: failed to create io_uring ring fd: EPERM");
  }

  @Test
  void autoFallsBackToNioWhenNeitherNativeTransportIsAvailable() {
    Transports.Choice choice = Transports.choose(Transport.AUTO, NO_IO_URING, NO_EPOLL);

    assertThat(choice.transport()).isEqualTo(Transport.NIO);
    assertThat(choice.fallback())
        .isEqualTo(
            "io_uring unavailable: failed to create io_uring ring fd: EPERM;"
                + " epoll unavailable: no netty_transport_native_epoll in java.library.path");
  }

  @Test
  void autoDoesNotAskForEpollWhenIoUringIsAvailable() {
    AtomicInteger epollAsked = new AtomicInteger();
    Transports.choose(
        Transport.AUTO,
        AVAILABLE,
        () -> {
          epollAsked.incrementAndGet();
          return null;
        });

    assertThat(epollAsked).hasValue(0);
  }

  @Test
  void explicitTransportsAreTakenAsNamedWithoutFallback() {
    assertThat(Transports.choose(Transport.NIO, NO_IO_URING, NO_EPOLL))
        .isEqualTo(new Transports.Choice(Transport.NIO, null));
    assertThat(Transports.choose(Transport.EPOLL, NO_IO_URING, AVAILABLE))
        .isEqualTo(new Transports.Choice(Transport.EPOLL, null));
    assertThat(Transports.choose(Transport.IO_URING, AVAILABLE, NO_EPOLL))
        .isEqualTo(new Transports.Choice(Transport.IO_URING, null));
  }

  @Test
  void anUnavailableExplicitNativeTransportIsAnErrorNamingTheFieldAndTheCause() {
    assertThatThrownBy(() -> Transports.choose(Transport.IO_URING, NO_IO_URING, AVAILABLE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "server.transport: io_uring is not available here:"
                + " failed to create io_uring ring fd: EPERM");
    assertThatThrownBy(() -> Transports.choose(Transport.EPOLL, AVAILABLE, NO_EPOLL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "server.transport: epoll is not available here:"
                + " no netty_transport_native_epoll in java.library.path");
  }

  @Test
  void theReasonIsOneLineEvenWhenTheCauseSpansSeveral() {
    assertThat(Transports.oneLine(new IllegalStateException("kernel 4.19\n  is too old\t(5.9+)")))
        .isEqualTo("kernel 4.19 is too old (5.9+)");
    assertThat(Transports.oneLine(new UnsupportedOperationException()))
        .isEqualTo("java.lang.UnsupportedOperationException");
  }

  @Test
  void selectOnThisMachineBuildsTheChannelsOfTheChosenTransport() {
    Transports nio = Transports.select(Transport.NIO);

    assertThat(nio.name()).isEqualTo("nio");
    assertThat(nio.serverChannel().getSimpleName()).isEqualTo("NioServerSocketChannel");
    assertThat(nio.fallback()).isNull();
  }

  @Test
  void ioUringConnectionsReadIntoTheEventLoopsReceiveRingWhereTheKernelOffersIt() {
    assumeTrue(IoUring.isAvailable(), "io_uring is not available on this machine");
    Transports ioUring = Transports.select(Transport.IO_URING);
    assertThat(ioUring.receiveRing()).isEqualTo(IoUring.isRegisterBufferRingSupported());
    Short group = ioUring.receiveRing() ? Transports.RECEIVE_RING_GROUP : null;

    Bootstrap upstream = ioUring.connectionOptions(new Bootstrap());
    ServerBootstrap listener = ioUring.connectionOptions(new ServerBootstrap());

    assertThat(upstream.config().options().get(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID))
        .isEqualTo(group);
    assertThat(listener.config().childOptions().get(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID))
        .isEqualTo(group);
    assertThat(listener.config().options())
        .doesNotContainKey(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID);
    assertThat(upstream.config().options().get(ChannelOption.ALLOCATOR))
        .isSameAs(PooledByteBufAllocator.DEFAULT);
  }

  @Test
  void ioUringReceivesOnlyWhenTheProxyAsksForData() {
    assumeTrue(IoUring.isAvailable(), "io_uring is not available on this machine");

    assertThat(System.getProperty(Transports.MULTISHOT_RECEIVE_PROPERTY)).isEqualTo("false");
    assertThat(IoUring.isRecvMultishotEnabled()).isFalse();
  }

  @Test
  void nioConnectionsReadWithoutAReceiveRingAndWithNettysDefaultAllocator() {
    Transports nio = Transports.select(Transport.NIO);

    Bootstrap upstream = nio.connectionOptions(new Bootstrap());
    ServerBootstrap listener = nio.connectionOptions(new ServerBootstrap());

    assertThat(nio.receiveRing()).isFalse();
    assertThat(upstream.config().options())
        .doesNotContainKey(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID)
        .containsEntry(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT);
    assertThat(listener.config().childOptions())
        .doesNotContainKey(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID)
        .containsEntry(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT);
    assertThat(listener.config().options())
        .containsEntry(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT);
  }

  @Test
  void ioUringChannelsUseThePooledAllocator() {
    assertThat(Transports.allocatorFor("io_uring", null)).isSameAs(PooledByteBufAllocator.DEFAULT);
  }

  @Test
  void epollAndNioChannelsUseNettysDefaultAllocator() {
    assertThat(Transports.allocatorFor("epoll", null)).isSameAs(ByteBufAllocator.DEFAULT);
    assertThat(Transports.allocatorFor("nio", null)).isSameAs(ByteBufAllocator.DEFAULT);
    assertThat(ByteBufAllocator.DEFAULT).isNotSameAs(PooledByteBufAllocator.DEFAULT);
  }

  @Test
  void anAllocatorChosenByHandIsUsedOnEveryTransport() {
    assertThat(Transports.allocatorFor("io_uring", "unpooled")).isSameAs(ByteBufAllocator.DEFAULT);
    assertThat(Transports.allocatorFor("epoll", "pooled")).isSameAs(ByteBufAllocator.DEFAULT);
  }
}
