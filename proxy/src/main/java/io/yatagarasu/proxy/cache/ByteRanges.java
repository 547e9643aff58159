package io.yatagarasu.proxy.cache;

import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * A {@code Range} request against a stored object of known size, decided as S3 decides it for the
 * uncached path: one byte range ({@code first-last}, {@code first-}, {@code -suffix}) is served as
 * {@code 206}; a range that starts at or past the end, or an empty suffix, is {@code 416}; several
 * ranges, another unit, or a malformed header are ignored and the whole object is sent ({@code
 * 200}). {@code If-Range} is honoured as RFC 9110 13.1.5 says: a weak tag never matches, a strong
 * tag must equal the stored {@code ETag}, a date must equal {@code Last-Modified} exactly.
 */
public final class ByteRanges {
  private ByteRanges() {}

  /** What to send. */
  public sealed interface Decision {}

  /** The whole object, {@code 200}. */
  public record Full() implements Decision {}

  /** Bytes {@code first..last} inclusive, {@code 206}. */
  public record Partial(long first, long last, long size) implements Decision {
    public long length() {
      return last - first + 1;
    }

    /** The {@code Content-Range} value. */
    public String contentRange() {
      return "bytes " + first + "-" + last + "/" + size;
    }
  }

  /** {@code 416}, with {@code Content-Range: bytes *}{@code /size}. */
  public record Unsatisfiable(long size) implements Decision {
    public String contentRange() {
      return "bytes */" + size;
    }
  }

  private static final Full FULL = new Full();

  /** Decides a request with {@code range} (may be null) and {@code ifRange} (may be null). */
  public static Decision decide(
      String range, String ifRange, long size, String etag, String lastModified) {
    if (range == null) {
      return FULL;
    }
    if (ifRange != null && !ifRangeMatches(ifRange.trim(), etag, lastModified)) {
      return FULL;
    }
    if (!range.regionMatches(true, 0, "bytes=", 0, 6)) {
      return FULL;
    }
    String spec = range.substring(6);
    if (spec.indexOf(',') >= 0) {
      return FULL;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return FULL;
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (firstText.isEmpty()) {
      long suffix = digits(lastText);
      if (suffix < 0) {
        return FULL;
      }
      if (suffix == 0 || size == 0) {
        return new Unsatisfiable(size);
      }
      return new Partial(Math.max(0, size - suffix), size - 1, size);
    }
    long first = digits(firstText);
    if (first < 0) {
      return FULL;
    }
    long last;
    if (lastText.isEmpty()) {
      last = Long.MAX_VALUE;
    } else {
      last = digits(lastText);
      if (last < 0 || last < first) {
        return FULL;
      }
    }
    if (first >= size) {
      return new Unsatisfiable(size);
    }
    return new Partial(first, Math.min(last, size - 1), size);
  }

  /** Whether the request names a Range at all. */
  public static boolean requested(io.netty.handler.codec.http.HttpHeaders request) {
    return request.contains(HttpHeaderNames.RANGE);
  }

  static boolean ifRangeMatches(String ifRange, String etag, String lastModified) {
    if (ifRange.startsWith("W/")) {
      return false;
    }
    if (ifRange.startsWith("\"")) {
      return etag != null && !etag.startsWith("W/") && etag.equals(ifRange);
    }
    Long date = Freshness.httpDate(ifRange);
    Long modified = Freshness.httpDate(lastModified);
    return date != null && date.equals(modified);
  }

  /** The value of a run of 1 to 18 digits, else -1. */
  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }
}
