package io.yatagarasu.proxy.cache;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stored response: its status ({@code 200}, or {@code 404} for a negative entry), the headers
 * the proxy passes on, the body in one off-heap buffer, and its freshness. Immutable once built.
 *
 * <p>The body is reference-counted by Netty. The store owns one reference, given back when the
 * entry is evicted, purged or replaced; a reader first takes a lease ({@link #tryAcquire}), cuts
 * the retained slices it writes (each released by Netty once written), then ends its lease. So a
 * client still streaming an evicted entry keeps the bytes it needs alive, and the last slice
 * written frees them. The lease is what makes "retain unless already freed" safe against a
 * concurrent eviction.
 */
public final class CachedObject {
  /** Headers copied from S3's answer and replayed from the cache (Content-Length is computed). */
  public static final List<CharSequence> PASSED_ON_HEADERS =
      List.of(
          HttpHeaderNames.CONTENT_TYPE,
          HttpHeaderNames.CONTENT_ENCODING,
          HttpHeaderNames.CONTENT_DISPOSITION,
          HttpHeaderNames.CONTENT_LANGUAGE,
          HttpHeaderNames.CACHE_CONTROL,
          HttpHeaderNames.EXPIRES,
          HttpHeaderNames.ETAG,
          HttpHeaderNames.LAST_MODIFIED,
          HttpHeaderNames.ACCEPT_RANGES,
          "x-amz-version-id");

  /** A fixed allowance per entry for its key, headers and bookkeeping, counted in its weight. */
  static final int OVERHEAD = 256;

  private final int status;
  private final HttpHeaders headers;
  private final ByteBuf body;
  private final long length;
  private final Freshness freshness;
  private final String etag;
  private final String lastModified;
  private final int weight;
  private final String lengthText;
  // The last Age value given out and its text: a new one at most once a second per entry.
  private volatile AgeText age;
  // One lease belongs to the store; each reader holds one while it cuts slices.
  private final AtomicInteger leases = new AtomicInteger(1);

  /**
   * @param body the whole object, whose one reference this entry takes over (released when the last
   *     lease ends)
   */
  public CachedObject(int status, HttpHeaders headers, ByteBuf body, Freshness freshness) {
    this.status = status;
    this.headers = requireNonNull(headers, "headers");
    this.body = requireNonNull(body, "body");
    this.freshness = requireNonNull(freshness, "freshness");
    this.length = body.readableBytes();
    this.lengthText = Long.toString(length);
    this.etag = headers.get(HttpHeaderNames.ETAG);
    this.lastModified = headers.get(HttpHeaderNames.LAST_MODIFIED);
    int headerBytes = 0;
    for (Map.Entry<String, String> h : headers) {
      headerBytes += h.getKey().length() + h.getValue().length();
    }
    this.weight =
        (int) Math.min(Integer.MAX_VALUE, body.capacity() + (long) OVERHEAD + headerBytes);
  }

  /** A negative entry: S3 said the object does not exist. */
  public static CachedObject notFound(Freshness freshness) {
    return new CachedObject(404, new DefaultHttpHeaders(false), Unpooled.EMPTY_BUFFER, freshness);
  }

  /**
   * The headers of S3's answer that the proxy passes on: {@link #PASSED_ON_HEADERS} and {@code
   * x-amz-meta-*}.
   */
  public static HttpHeaders passedOn(HttpHeaders from) {
    HttpHeaders to = new DefaultHttpHeaders(false);
    for (CharSequence name : PASSED_ON_HEADERS) {
      String value = from.get(name);
      if (value != null) {
        to.set(name, value);
      }
    }
    for (Map.Entry<String, String> header : from) {
      if (header.getKey().regionMatches(true, 0, "x-amz-meta-", 0, 11)) {
        to.add(header.getKey(), header.getValue());
      }
    }
    return to;
  }

  /**
   * This entry after S3 answered its revalidation with {@code 304}: the validators and freshness
   * headers of the 304 replace the stored ones (RFC 9111 4.3.4) and its age starts anew; the body
   * is shared (a second reference). Null when the body was already freed.
   */
  public CachedObject refreshed(
      HttpHeaders notModified, long requestTime, long responseTime, long defaultTtl) {
    if (!tryAcquire()) {
      return null;
    }
    try {
      HttpHeaders merged = new DefaultHttpHeaders(false).add(headers);
      HttpHeaders fresh = passedOn(notModified);
      for (Map.Entry<String, String> h : fresh) {
        merged.remove(h.getKey());
      }
      merged.add(fresh);
      // The Date and Age of the 304 decide the new age; they are not replayed.
      HttpHeaders timing = new DefaultHttpHeaders(false).add(merged);
      copy(notModified, timing, HttpHeaderNames.DATE);
      copy(notModified, timing, HttpHeaderNames.AGE);
      return new CachedObject(
          status,
          merged,
          body.retainedDuplicate(),
          Freshness.of(timing, requestTime, responseTime, defaultTtl));
    } finally {
      release();
    }
  }

  private static void copy(HttpHeaders from, HttpHeaders to, CharSequence name) {
    String value = from.get(name);
    if (value != null) {
      to.set(name, value);
    }
  }

  public int status() {
    return status;
  }

  /** The passed-on headers; never modify them. */
  public HttpHeaders headers() {
    return headers;
  }

  /** The body's size in bytes. */
  public long length() {
    return length;
  }

  /** The body's size as a {@code Content-Length} value. */
  public String lengthText() {
    return lengthText;
  }

  public Freshness freshness() {
    return freshness;
  }

  /**
   * Its {@code Age} at {@code now} in whole seconds, as header text. The text is kept until the age
   * changes, so hits on one entry within a second share it.
   */
  public String ageText(long now) {
    long seconds = freshness.ageSeconds(now);
    AgeText last = age;
    if (last == null || last.seconds() != seconds) {
      last = new AgeText(seconds, Long.toString(seconds));
      age = last;
    }
    return last.text();
  }

  private record AgeText(long seconds, String text) {}

  public String etag() {
    return etag;
  }

  public String lastModified() {
    return lastModified;
  }

  /** Bytes counted against the cache's budget. */
  public int weight() {
    return weight;
  }

  /** Whether revalidating it with S3 can answer 304 (it has a validator). */
  public boolean hasValidator() {
    return etag != null || lastModified != null;
  }

  /**
   * Takes a reader's lease; false when the entry was already freed (evicted and every earlier
   * reader done). A true return must be paired with {@link #release()}.
   */
  public boolean tryAcquire() {
    for (; ; ) {
      int n = leases.get();
      if (n == 0) {
        return false;
      }
      if (leases.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Ends a lease (the store's own on eviction); the last one lets go of the body. */
  public void release() {
    int left = leases.decrementAndGet();
    if (left == 0) {
      body.release();
    } else if (left < 0) {
      throw new IllegalStateException("cached object released more often than acquired");
    }
  }

  /**
   * {@code length} bytes from {@code offset}, as a slice holding its own reference: the caller
   * writes it (Netty releases it) or releases it. Only while holding a lease.
   */
  public ByteBuf retainedSlice(long offset, int length) {
    if (length == 0) {
      return Unpooled.EMPTY_BUFFER;
    }
    return body.retainedSlice(body.readerIndex() + (int) offset, length);
  }

  /** Leases held now, the store's included (for tests). */
  int leases() {
    return leases.get();
  }
}
