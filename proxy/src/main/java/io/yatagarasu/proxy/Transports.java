package io.yatagarasu.proxy;

import io.netty.channel.IoHandlerFactory;
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

/** The I/O transport in use: io_uring or epoll where the kernel offers them, else NIO. */
public record Transports(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerSocketChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    Class<? extends DatagramChannel> datagramChannel) {

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
