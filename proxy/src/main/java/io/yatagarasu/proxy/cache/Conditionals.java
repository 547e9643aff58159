package io.yatagarasu.proxy.cache;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * A client's preconditions against a stored object, evaluated in the order RFC 9110 section 13.2.2
 * gives: {@code If-Match}, else {@code If-Unmodified-Since}; then {@code If-None-Match}, else
 * {@code If-Modified-Since}. The same order makes S3 answer {@code 200} when {@code If-Match} holds
 * and {@code If-Unmodified-Since} does not, and {@code 304} when {@code If-None-Match} fails and
 * {@code If-Modified-Since} holds.
 */
public final class Conditionals {
  private Conditionals() {}

  /** What the preconditions decide. */
  public enum Outcome {
    /** Serve the object (or the range asked for). */
    PROCEED,
    /** {@code 304 Not Modified}. */
    NOT_MODIFIED,
    /** {@code 412 Precondition Failed}. */
    PRECONDITION_FAILED
  }

  /**
   * Evaluates the request's preconditions against an object's validators (either may be null). A
   * date is parsed only when the request carries the header that compares it: a request without
   * preconditions (every plain cache hit) allocates nothing here.
   */
  public static Outcome evaluate(HttpHeaders request, String etag, String lastModified) {
    String ifMatch = joined(request, HttpHeaderNames.IF_MATCH);
    if (ifMatch != null) {
      if (!matches(ifMatch, etag, true)) {
        return Outcome.PRECONDITION_FAILED;
      }
    } else {
      String unmodifiedSince = request.get(HttpHeaderNames.IF_UNMODIFIED_SINCE);
      if (unmodifiedSince != null) {
        Long since = Freshness.httpDate(unmodifiedSince);
        Long modified = Freshness.httpDate(lastModified);
        if (since != null && modified != null && modified > since) {
          return Outcome.PRECONDITION_FAILED;
        }
      }
    }
    String ifNoneMatch = joined(request, HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      return matches(ifNoneMatch, etag, false) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
    }
    String modifiedSince = request.get(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (modifiedSince == null) {
      return Outcome.PROCEED;
    }
    Long since = Freshness.httpDate(modifiedSince);
    Long modified = Freshness.httpDate(lastModified);
    if (since != null && modified != null && modified <= since) {
      return Outcome.NOT_MODIFIED;
    }
    return Outcome.PROCEED;
  }

  /** Whether the request carries any precondition this class evaluates. */
  public static boolean present(HttpHeaders request) {
    return request.contains(HttpHeaderNames.IF_MATCH)
        || request.contains(HttpHeaderNames.IF_NONE_MATCH)
        || request.contains(HttpHeaderNames.IF_MODIFIED_SINCE)
        || request.contains(HttpHeaderNames.IF_UNMODIFIED_SINCE);
  }

  /**
   * Whether an entity-tag list ({@code *} or {@code "a", W/"b"}) matches {@code etag}: with strong
   * comparison both must be strong and equal; weak comparison ignores the {@code W/} prefixes.
   */
  static boolean matches(String list, String etag, boolean strong) {
    if (list.trim().equals("*")) {
      return true;
    }
    if (etag == null || (strong && isWeak(etag))) {
      return false;
    }
    String opaque = opaque(etag);
    int i = 0;
    int n = list.length();
    while (i < n) {
      while (i < n && (list.charAt(i) == ' ' || list.charAt(i) == '\t' || list.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      boolean weak = false;
      if (list.startsWith("W/", i)) {
        weak = true;
        i += 2;
      }
      if (i >= n || list.charAt(i) != '"') {
        // Not an entity-tag: skip to the next comma.
        while (i < n && list.charAt(i) != ',') {
          i++;
        }
        continue;
      }
      int close = list.indexOf('"', i + 1);
      if (close < 0) {
        return false;
      }
      String candidate = list.substring(i, close + 1);
      if (candidate.equals(opaque) && !(strong && weak)) {
        return true;
      }
      i = close + 1;
    }
    return false;
  }

  static boolean isWeak(String etag) {
    return etag.startsWith("W/");
  }

  private static String opaque(String etag) {
    return isWeak(etag) ? etag.substring(2) : etag;
  }

  /** The header's values joined with commas; null (and no list built) when it is absent. */
  private static String joined(HttpHeaders request, CharSequence name) {
    if (!request.contains(name)) {
      return null;
    }
    var all = request.getAll(name);
    return all.size() == 1 ? all.get(0) : String.join(",", all);
  }
}
