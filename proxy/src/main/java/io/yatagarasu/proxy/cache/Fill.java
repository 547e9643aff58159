package io.yatagarasu.proxy.cache;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.yatagarasu.proxy.ProxyError;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream fetch of an object that every concurrent miss of its key shares (request
 * coalescing). One driver (the fetch) calls {@link #start}, {@link #append} and then {@link
 * #complete} or {@link #fail}; any number of clients {@link #subscribe} and read at their own pace.
 *
 * <p>The body goes into one off-heap buffer sized from S3's {@code Content-Length}, allocated at
 * {@link #start} and never moved, so a subscriber's slice stays valid however far the fill has got.
 * The driver only appends and publishes how many bytes are readable; it never waits for a
 * subscriber, so a slow client slows neither the fill nor the others, and memory is the object's
 * size whatever the number of clients. Each subscriber keeps its own read index, holds its own
 * reference to the buffer, and is woken (through the {@code Runnable} it gave, which should hop to
 * its own event loop) when there is news. When complete, the buffer becomes the cached entry's
 * body.
 *
 * <p>A failure reaches every subscriber with the same error: before the head, each answers the
 * {@link Failure} the driver gave; after it, each cuts its connection short (as the uncached path
 * does when S3 breaks mid-body). An object that may not be shared ({@code no-store}, {@code
 * private}, larger than the bucket's {@code maxObjectSize}, no {@code Content-Length}, no room in
 * the budget) is {@link State#DECLINED}: the driver streams it to its own client as if uncached,
 * and every other subscriber fetches it on its own.
 */
public final class Fill {
  /** Where the fill is. */
  public enum State {
    /** Waiting for S3's answer. */
    WAITING,
    /** The head is known; the body is arriving. */
    STREAMING,
    /** The whole body has arrived. */
    COMPLETE,
    /** The fetch failed; see {@link #failure()}. */
    FAILED,
    /** The answer cannot be shared; subscribers fetch on their own. */
    DECLINED
  }

  /**
   * What subscribers answer: the status, the passed-on headers, the body's length and the {@code
   * X-Cache} word ({@code MISS}, or {@code REVALIDATED}/{@code STALE} when the fill ended with a
   * stored entry).
   */
  public record Head(
      int status, io.netty.handler.codec.http.HttpHeaders headers, long length, String xCache) {
    public Head {
      requireNonNull(headers, "headers");
      requireNonNull(xCache, "xCache");
    }
  }

  /**
   * The error every subscriber answers when the fetch failed before the head, with the fetch's
   * detail (the seconds to wait for an open circuit, the object size for a 416, else -1).
   */
  public record Failure(ProxyError error, long detail) {
    public Failure {
      requireNonNull(error, "error");
    }

    public static Failure of(ProxyError error) {
      return new Failure(error, -1);
    }
  }

  private final ObjectCache cache;
  private final CacheKey key;
  private final String bucket;
  private final Object lock = new Object();
  private final List<Subscription> subscribers = new ArrayList<>();

  private volatile State state = State.WAITING;
  private volatile Head head;
  private volatile Failure failure;
  private volatile int filled;
  private volatile boolean storable = true;
  // Set under the lock before the state that publishes it; the fill holds one reference.
  private ByteBuf buffer;
  private long reserved;
  private boolean bufferHeld;
  private Freshness freshness;

  Fill(ObjectCache cache, CacheKey key, String bucket) {
    this.cache = cache;
    this.key = key;
    this.bucket = bucket;
  }

  public CacheKey key() {
    return key;
  }

  public String bucket() {
    return bucket;
  }

  public State state() {
    return state;
  }

  public Head head() {
    return head;
  }

  public Failure failure() {
    return failure;
  }

  /** Clients reading now. */
  public int subscribers() {
    synchronized (lock) {
      return subscribers.size();
    }
  }

  /**
   * Joins the fill. {@code wake} is run (on the driver's thread) whenever the fill has news; it
   * should schedule the reader on its own thread and return. Null when the fill has already ended
   * and let its buffer go: look the key up again.
   */
  public Subscription subscribe(Runnable wake) {
    requireNonNull(wake, "wake");
    synchronized (lock) {
      State s = state;
      if (s == State.FAILED || s == State.DECLINED || (s == State.COMPLETE && !bufferHeld)) {
        return null;
      }
      Subscription subscription = new Subscription(this, wake);
      if (buffer != null) {
        buffer.retain();
        subscription.holdsBuffer = true;
      }
      subscribers.add(subscription);
      return subscription;
    }
  }

  /**
   * S3 answered {@code 200} with a body of {@code length} bytes. Returns false (and declines) when
   * the answer cannot be shared: the driver then streams it to its own client as uncached.
   *
   * @param headers the passed-on headers ({@link CachedObject#passedOn})
   * @param freshness null when the response may not be stored ({@code no-store}, {@code private})
   */
  public boolean start(
      io.netty.handler.codec.http.HttpHeaders headers,
      long length,
      Freshness freshness,
      long maxObjectSize,
      ByteBufAllocator alloc) {
    if (freshness == null || length < 0 || length > maxObjectSize || length > Integer.MAX_VALUE) {
      decline();
      return false;
    }
    if (!cache.reserve(length)) {
      decline();
      return false;
    }
    ByteBuf allocated;
    try {
      allocated = alloc.directBuffer((int) length, (int) length);
    } catch (RuntimeException | OutOfMemoryError e) {
      cache.unreserve(length);
      decline();
      return false;
    }
    List<Subscription> wake;
    synchronized (lock) {
      reserved = length;
      this.freshness = freshness;
      buffer = allocated;
      bufferHeld = true;
      for (Subscription s : subscribers) {
        buffer.retain();
        s.holdsBuffer = true;
      }
      head = new Head(200, headers, length, "MISS");
      state = State.STREAMING;
      wake = List.copyOf(subscribers);
    }
    wake.forEach(Subscription::signal);
    return true;
  }

  /** Copies {@code chunk}'s readable bytes in (the caller keeps and releases {@code chunk}). */
  public void append(ByteBuf chunk) {
    if (state != State.STREAMING) {
      return;
    }
    int n = chunk.readableBytes();
    if (n == 0) {
      return;
    }
    if (buffer.writableBytes() < n) {
      fail(Failure.of(ProxyError.UPSTREAM_ERROR));
      return;
    }
    buffer.writeBytes(chunk, chunk.readerIndex(), n);
    filled = buffer.writerIndex();
    signalAll();
  }

  /**
   * The last byte arrived: the entry is stored (unless purged or the key's target was dropped
   * meanwhile) and subscribers read to the end. A body shorter than S3 declared fails the fill.
   */
  public void complete() {
    if (state != State.STREAMING) {
      return;
    }
    if (buffer.writableBytes() != 0) {
      fail(Failure.of(ProxyError.UPSTREAM_ERROR));
      return;
    }
    CachedObject entry = null;
    synchronized (lock) {
      state = State.COMPLETE;
      if (storable) {
        entry = new CachedObject(200, head.headers(), buffer.retain(), freshness);
      }
    }
    cache.unreserve(reserved);
    if (entry != null) {
      cache.store(key, entry, bucket);
    }
    cache.fillEnded(this);
    releaseIfUnread();
    signalAll();
  }

  /**
   * The fetch ended with a stored entry instead of a new body: S3 answered {@code 304} to a
   * revalidation ({@code REVALIDATED}), or failed and a stale copy may stand in ({@code STALE}).
   * Subscribers read the entry's body. The entry must be leased by the caller for the duration of
   * this call.
   */
  public void completeWith(CachedObject entry, String xCache) {
    if (state != State.WAITING) {
      return;
    }
    List<Subscription> wake;
    synchronized (lock) {
      buffer = entry.retainedSlice(0, (int) entry.length());
      bufferHeld = true;
      filled = (int) entry.length();
      for (Subscription s : subscribers) {
        buffer.retain();
        s.holdsBuffer = true;
      }
      head = new Head(entry.status(), entry.headers(), entry.length(), xCache);
      state = State.COMPLETE;
      wake = List.copyOf(subscribers);
    }
    cache.fillEnded(this);
    releaseIfUnread();
    wake.forEach(Subscription::signal);
  }

  /**
   * The fetch failed. Before the head every subscriber answers {@code failure}; after it, each cuts
   * its response short. Nothing is stored.
   */
  public void fail(Failure failure) {
    requireNonNull(failure, "failure");
    State before = state;
    if (before == State.COMPLETE || before == State.FAILED || before == State.DECLINED) {
      return;
    }
    List<Subscription> wake;
    synchronized (lock) {
      this.failure = failure;
      state = State.FAILED;
      wake = List.copyOf(subscribers);
    }
    if (before == State.STREAMING) {
      cache.unreserve(reserved);
    }
    cache.fillFailed(this);
    releaseIfUnread();
    wake.forEach(Subscription::signal);
  }

  /** The answer cannot be shared: each subscriber fetches the object on its own. */
  public void decline() {
    if (state != State.WAITING) {
      return;
    }
    List<Subscription> wake;
    synchronized (lock) {
      state = State.DECLINED;
      wake = List.copyOf(subscribers);
    }
    cache.fillEnded(this);
    wake.forEach(Subscription::signal);
  }

  /** The object was purged or its target dropped while filling: serve it, but do not store it. */
  void doNotStore() {
    storable = false;
  }

  boolean storable() {
    return storable;
  }

  int filled() {
    return filled;
  }

  ByteBuf buffer() {
    return buffer;
  }

  /** The fill lets go of its own reference once it has ended; subscribers hold theirs. */
  private void releaseIfUnread() {
    ByteBuf toRelease = null;
    synchronized (lock) {
      if (bufferHeld && buffer != null) {
        bufferHeld = false;
        toRelease = buffer;
      }
    }
    if (toRelease != null) {
      toRelease.release();
    }
  }

  void unsubscribe(Subscription subscription) {
    boolean release;
    synchronized (lock) {
      subscribers.remove(subscription);
      release = subscription.holdsBuffer;
      subscription.holdsBuffer = false;
    }
    if (release) {
      buffer.release();
    }
  }

  private void signalAll() {
    List<Subscription> wake;
    synchronized (lock) {
      if (subscribers.isEmpty()) {
        return;
      }
      wake = List.copyOf(subscribers);
    }
    wake.forEach(Subscription::signal);
  }
}
