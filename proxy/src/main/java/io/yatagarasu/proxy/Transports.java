package io.yatagarasu.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
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
import io.netty.channel.uring.IoUringAdaptiveBufferRingAllocator;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.yatagarasu.config.Transport;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The I/O transport in use: io_uring or epoll where the kernel offers them, else NIO; and how a
 * listener takes in new connections ({@link #acceptAllocator()}).
 *
 * @param receiveRing whether connections read into a provided-buffer ring that each event loop
 *     shares among its connections (io_uring on Linux 5.19 and later; see {@link
 *     #RECEIVE_RING_SIZE})
 * @param fallback why {@code auto} did not get a preferred native transport (one line, e.g. "epoll
 *     unavailable: ..."), or {@code null} when it got epoll or one was named
 */
public record Transports(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerSocketChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel,
    Class<? extends DatagramChannel> datagramChannel,
    boolean receiveRing,
    String fallback) {

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

  /** The buffer group id of the receive ring every io_uring event loop registers. */
  static final short RECEIVE_RING_GROUP = 1;

  /**
   * Buffers in each io_uring event loop's receive ring at most. Without a ring, io_uring holds a
   * receive buffer for every open connection while its read is pending, idle pooled upstream
   * connections included; with one event loop, large objects after heavy small-object traffic then
   * cost about 3 ms of CPU per 1 MiB response (fresh chunks allocated and zeroed for nearly every
   * read) instead of under 1 ms. With a ring the kernel takes a buffer only when data arrives, so
   * idle connections hold none. The ring starts with {@link #RECEIVE_RING_BATCH} buffers and grows
   * by as many when the kernel finds it empty, up to this many of at most 64 KiB each (Netty's
   * adaptive ring allocator): 8 MiB per event loop. When all are in use a read is retried once a
   * buffer is back (docs/benchmarks.md, "Large objects over io_uring").
   */
  static final short RECEIVE_RING_SIZE = 128;

  /** Buffers the receive ring starts with and grows by. */
  static final int RECEIVE_RING_BATCH = 16;

  /**
   * Netty's switch for io_uring's multishot receive, which it uses with a receive ring: one
   * submission that keeps receiving until cancelled. Yatagarasu turns it off (unless set by hand)
   * because it weakens backpressure: an upstream connection whose client cannot take more stops
   * reading only once the cancellation has gone through, and the data received meanwhile waits in
   * the proxy's memory instead of the kernel's socket buffer, where TCP slows the sender. With 64
   * clients reading at 1 MiB/s, the buffers in use were 115 MiB with it and 37 MiB without, at the
   * same request rates (docs/benchmarks.md, "Large objects over io_uring"). Set before Netty's
   * {@code IoUring} class is first used, which {@link #select} does.
   */
  static final String MULTISHOT_RECEIVE_PROPERTY = "io.netty.iouring.recvMultiShotEnabled";

  static {
    if (System.getProperty(MULTISHOT_RECEIVE_PROPERTY) == null) {
      System.setProperty(MULTISHOT_RECEIVE_PROPERTY, "false");
    }
  }

  /**
   * Sets the options of connections that this transport opens ({@code bootstrap}): the {@link
   * #allocator()} and, with a {@link #receiveRing()}, its buffer group.
   */
  public Bootstrap connectionOptions(Bootstrap bootstrap) {
    bootstrap.option(ChannelOption.ALLOCATOR, allocator());
    if (receiveRing) {
      bootstrap.option(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, RECEIVE_RING_GROUP);
    }
    return bootstrap;
  }

  /**
   * Sets the options of a listener ({@code bootstrap}) and of the connections it accepts: the
   * {@link #allocator()} on both and, with a {@link #receiveRing()}, the accepted connections'
   * buffer group.
   */
  public ServerBootstrap connectionOptions(ServerBootstrap bootstrap) {
    bootstrap
        .option(ChannelOption.ALLOCATOR, allocator())
        .childOption(ChannelOption.ALLOCATOR, allocator());
    if (receiveRing) {
      bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, RECEIVE_RING_GROUP);
    }
    return bootstrap;
  }

  /** The system property with which Netty's default allocator is chosen by hand. */
  static final String ALLOCATOR_PROPERTY = "io.netty.allocator.type";

  /**
   * The buffer allocator of this transport's channels (listeners, client and upstream connections):
   * Netty's pooled allocator on io_uring, Netty's default (the adaptive allocator) on epoll and
   * NIO; {@code -Dio.netty.allocator.type} set by hand is used on every transport.
   *
   * <p>io_uring keeps a receive buffer allocated for every open connection while its read is
   * pending, idle ones included, where the kernel offers no {@link #RECEIVE_RING_SIZE receive
   * ring}. The adaptive allocator reuses a chunk only once every buffer in it is released, so those
   * long-held buffers pin chunks, and with two event loops a stream of large objects after heavy
   * small-object traffic made it allocate (and zero) fresh direct memory for nearly every read: 4
   * to 5 ms of CPU per 1 MiB response instead of under 1 ms. The pooled allocator reuses the free
   * parts of a chunk and brought that case to 0.74 ms (docs/benchmarks.md, "Large objects over
   * io_uring").
   */
  public ByteBufAllocator allocator() {
    return allocatorFor(name, System.getProperty(ALLOCATOR_PROPERTY));
  }

  static ByteBufAllocator allocatorFor(String transport, String chosenByHand) {
    return "io_uring".equals(transport) && chosenByHand == null
        ? PooledByteBufAllocator.DEFAULT
        : ByteBufAllocator.DEFAULT;
  }

  /**
   * Picks the transport: {@code AUTO} prefers io_uring, then epoll, then NIO; an explicitly
   * requested native transport that is unavailable is an error. io_uring submits a whole event-loop
   * pass's reads and writes together and needed about half of epoll's CPU per small request in the
   * quiet runs (docs/benchmarks.md).
   */
  public static Transports select(Transport wanted) {
    Choice choice = choose(wanted, IoUring::unavailabilityCause, Epoll::unavailabilityCause);
    return switch (choice.transport()) {
      case IO_URING -> ioUring(choice.fallback());
      case EPOLL -> epoll(choice.fallback());
      default -> nio(choice.fallback());
    };
  }

  /** The data plane's event loops and the admin listener's own. */
  public record EventLoops(EventLoopGroup io, EventLoopGroup admin) {}

  /**
   * Opens {@code ioThreads} data-plane event loops and one admin event loop with this transport.
   */
  public EventLoops eventLoops(int ioThreads) {
    EventLoopGroup io =
        new MultiThreadIoEventLoopGroup(
            ioThreads, new DefaultThreadFactory("yatagarasu-io", true), ioHandlerFactory);
    try {
      return new EventLoops(
          io,
          new MultiThreadIoEventLoopGroup(
              1, new DefaultThreadFactory("yatagarasu-admin", true), ioHandlerFactory));
    } catch (RuntimeException e) {
      io.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** A transport and what {@link #open} opened with it. */
  public record Opened<T>(Transports transports, T value) {}

  /**
   * Opens {@code open} (the event loops) with the transport {@code wanted} selects. Netty's
   * io_uring probe sets up a one-entry ring, so a kernel that allows that but refuses the event
   * loops' larger rings (ENOMEM under a small {@code RLIMIT_MEMLOCK} before Linux 5.12) passes it
   * and fails here: then {@code auto} opens them with epoll (else NIO) instead and says why. Any
   * other failure, and any failure of an explicitly named transport, is thrown.
   */
  public static <T> Opened<T> open(Transport wanted, Function<Transports, T> open) {
    Transports chosen = select(wanted);
    try {
      return new Opened<>(chosen, open.apply(chosen));
    } catch (RuntimeException e) {
      if (wanted != Transport.AUTO || !"io_uring".equals(chosen.name())) {
        throw e;
      }
      Choice next = choose(Transport.AUTO, () -> e, Epoll::unavailabilityCause);
      Transports fallback =
          next.transport() == Transport.EPOLL ? epoll(next.fallback()) : nio(next.fallback());
      return new Opened<>(fallback, open.apply(fallback));
    }
  }

  /**
   * What {@link #select} picks: a concrete transport (never {@code AUTO}) and, when {@code auto}
   * did not get io_uring, why (one line, no stack trace), else {@code null}.
   */
  record Choice(Transport transport, String fallback) {}

  /**
   * The choice of {@link #select(Transport)} with the availability checks given: each supplier
   * answers {@code null} when its transport can be used, else why not, as Netty's {@code
   * unavailabilityCause()} does (Netty's io_uring check sets up a ring, so a kernel or a seccomp
   * profile that refuses {@code io_uring_setup} makes io_uring unavailable).
   *
   * @throws IllegalStateException when an explicitly named native transport is unavailable
   */
  static Choice choose(
      Transport wanted, Supplier<Throwable> ioUringCause, Supplier<Throwable> epollCause) {
    return switch (wanted) {
      case NIO -> new Choice(Transport.NIO, null);
      case EPOLL -> {
        require("epoll", epollCause.get());
        yield new Choice(Transport.EPOLL, null);
      }
      case IO_URING -> {
        require("io_uring", ioUringCause.get());
        yield new Choice(Transport.IO_URING, null);
      }
      case AUTO -> {
        Throwable ioUring = ioUringCause.get();
        if (ioUring == null) {
          yield new Choice(Transport.IO_URING, null);
        }
        String why = "io_uring unavailable: " + oneLine(ioUring);
        Throwable epoll = epollCause.get();
        yield epoll == null
            ? new Choice(Transport.EPOLL, why)
            : new Choice(Transport.NIO, why + "; epoll unavailable: " + oneLine(epoll));
      }
    };
  }

  private static void require(String name, Throwable cause) {
    if (cause != null) {
      throw new IllegalStateException(
          "server.transport: " + name + " is not available here: " + oneLine(cause), cause);
    }
  }

  /**
   * The messages of the cause and of its causes (each once), else its class name, joined by ": "
   * and folded to one line.
   */
  static String oneLine(Throwable cause) {
    StringBuilder text = new StringBuilder();
    int depth = 0;
    for (Throwable t = cause; t != null && depth < 4; t = t.getCause(), depth++) {
      String message = t.getMessage();
      if (message != null && !message.isBlank() && text.indexOf(message.strip()) < 0) {
        text.append(text.isEmpty() ? "" : ": ").append(message.strip());
      }
    }
    String line = text.isEmpty() ? cause.getClass().getName() : text.toString();
    return line.replaceAll("\\s+", " ");
  }

  private static Transports nio(String fallback) {
    return new Transports(
        "nio",
        NioIoHandler.newFactory(),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        NioDatagramChannel.class,
        false,
        fallback);
  }

  private static Transports epoll(String fallback) {
    return new Transports(
        "epoll",
        EpollIoHandler.newFactory(),
        EpollServerSocketChannel.class,
        EpollSocketChannel.class,
        EpollDatagramChannel.class,
        false,
        fallback);
  }

  private static Transports ioUring(String fallback) {
    boolean ring = IoUring.isRegisterBufferRingSupported();
    IoUringIoHandlerConfig config = new IoUringIoHandlerConfig();
    if (ring) {
      config.setBufferRingConfig(
          IoUringBufferRingConfig.builder()
              .bufferGroupId(RECEIVE_RING_GROUP)
              .bufferRingSize(RECEIVE_RING_SIZE)
              .batchSize(RECEIVE_RING_BATCH)
              .allocator(
                  new IoUringAdaptiveBufferRingAllocator(
                      allocatorFor("io_uring", System.getProperty(ALLOCATOR_PROPERTY))))
              .build());
    }
    return new Transports(
        "io_uring",
        IoUringIoHandler.newFactory(config),
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        IoUringDatagramChannel.class,
        ring,
        fallback);
  }
}
