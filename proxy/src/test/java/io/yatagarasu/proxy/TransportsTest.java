package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * How a listener's accept loop goes on. Netty calls {@code continueReading} after each accepted
 * connection with its guess whether more are queued; the epoll transport of Netty 4.2 guesses from
 * the accepted descriptor's number compared with the one "byte" it attempted, so it always says no.
 * These tests replay that loop on the read handle alone, as the transport drives it.
 */
class TransportsTest {

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
