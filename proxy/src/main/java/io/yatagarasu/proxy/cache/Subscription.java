package io.yatagarasu.proxy.cache;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's view of a {@link Fill}: its own read index over the fill's buffer. Used from the
 * client's thread only; {@link #close()} it when the response ends, however it ends.
 */
public final class Subscription implements AutoCloseable {
  private final Fill fill;
  private final Runnable wake;
  private final AtomicBoolean signalled = new AtomicBoolean();
  private int read;
  private boolean closed;
  // Guarded by the fill's lock.
  boolean holdsBuffer;

  Subscription(Fill fill, Runnable wake) {
    this.fill = fill;
    this.wake = wake;
  }

  public Fill.State state() {
    return fill.state();
  }

  /** The head to answer with; null while S3 has not answered. */
  public Fill.Head head() {
    return fill.head();
  }

  /** The error to answer with when the fill failed before the head. */
  public Fill.Failure failure() {
    return fill.failure();
  }

  /**
   * The next at most {@code max} bytes this client has not read, as a slice holding its own
   * reference (write it; Netty releases it), or null when none has arrived yet.
   */
  public ByteBuf next(int max) {
    int end = fill.filled();
    if (closed || read >= end) {
      return null;
    }
    int n = Math.min(max, end - read);
    ByteBuf slice = fill.buffer().retainedSlice(read, n);
    read += n;
    return slice;
  }

  /** Bytes this client has read. */
  public long position() {
    return read;
  }

  /** Whether every byte of a completed fill has been read. */
  public boolean finished() {
    Fill.Head h = fill.head();
    return fill.state() == Fill.State.COMPLETE && h != null && read >= h.length();
  }

  /** Call at the start of each read pass: news that arrives afterwards wakes the client again. */
  public void awake() {
    signalled.set(false);
  }

  void signal() {
    if (signalled.compareAndSet(false, true)) {
      wake.run();
    }
  }

  /** Leaves the fill and lets go of this client's reference to its buffer. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      fill.unsubscribe(this);
    }
  }
}
