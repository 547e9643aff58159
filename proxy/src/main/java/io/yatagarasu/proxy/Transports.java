package io.yatagarasu.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.yatagarasu.config.Transport;

/**
 * The I/O transport in use: io_uring or epoll where the kernel offers them, else NIO; and how a
 * listener takes in new connections ({@link #acceptAllocator()}).
 */
public record Transports(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerSocketChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    Class<? extends DatagramChannel> datagramChannel) {

  /**
   * At most this many queued connections are accepted in one pass of the event loop; then the
   * connections it already serves get their turn. A burst of new connections (a client pool or a
   * load tool opening hundreds at once) is taken in a few passes, not in one pass per connection.
   */
  public static final int ACCEPTS_PER_PASS = 64;

  /**
   * The read allocator of a listening channel: accepts until the queue is empty or {@link
   * #ACCEPTS_PER_PASS} connections are taken. Netty's default for listeners (16 per pass) does not
   * hold on epoll in Netty 4.2: its accept loop continues only while the last "read" (the accepted
   * descriptor's number) equals the one attempted (1), so it accepts one connection per pass. Under
   * load, each pass serves every busy connection first, so the n-th connection of a burst waited n
   * passes for its first answer (hundreds of milliseconds at 256 connections). Not following the
   * "maybe more data" guess restores the bounded loop on every transport.
   */
  public static RecvByteBufAllocator acceptAllocator() {
    ServerChannelRecvByteBufAllocator allocator = new ServerChannelRecvByteBufAllocator();
    allocator.maxMessagesPerRead(ACCEPTS_PER_PASS);
    allocator.respectMaybeMoreData(false);
    return allocator;
  }

  /**
   * Picks the transport: {@code AUTO} prefers epoll (the most proven native transport), then NIO;
   * an explicitly requested native transport that is unavailable is an error.
   */
  public static Transports select(Transport wanted) {
    return switch (wanted) {
      case NIO -> nio();
      case EPOLL -> {
        Epoll.ensureAvailability();
        yield epoll();
      }
      case IO_URING -> {
        IoUring.ensureAvailability();
        yield ioUring();
      }
      case AUTO -> Epoll.isAvailable() ? epoll() : nio();
    };
  }

  private static Transports nio() {
    return new Transports(
        "nio",
        NioIoHandler.newFactory(),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        NioDatagramChannel.class);
  }

  private static Transports epoll() {
    return new Transports(
        "epoll",
        EpollIoHandler.newFactory(),
        EpollServerSocketChannel.class,
        EpollSocketChannel.class,
        EpollDatagramChannel.class);
  }

  private static Transports ioUring() {
    return new Transports(
        "io_uring",
        IoUringIoHandler.newFactory(),
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        IoUringDatagramChannel.class);
  }
}
