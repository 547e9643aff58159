package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.yatagarasu.proxy.ProxyError;
import java.util.Iterator;
import java.util.Map;

/**
 * What a request's head must satisfy before anything else looks at it (RFC 9112): an HTTP/1.x
 * version, exactly one {@code Host} on HTTP/1.1, no transfer coding but {@code chunked}, a target
 * in origin or absolute form, and a query string whose escapes decode. Everything here is decided
 * before a route, a token or an upstream connection is touched.
 */
final class RequestChecks {
  private RequestChecks() {}

  /**
   * The first problem of a decoded request head, or null.
   *
   * @param http1 the request came over an HTTP/1.x connection (HTTP/2 streams carry {@code
   *     :authority} instead of {@code Host}, and the codec fixes their version)
   */
  static ProxyError check(HttpRequest request, boolean http1) {
    if (!http1) {
      return null;
    }
    HttpVersion version = request.protocolVersion();
    if (version.majorVersion() != 1) {
      return ProxyError.VERSION_NOT_SUPPORTED;
    }
    // RFC 9112 3.2: 400 for an HTTP/1.1 request without Host, and for any with more than one.
    // RFC 9112 6.1 and 6.3: a request's only transfer coding understood is "chunked", and it must
    // be the final one; anything else leaves the body's length unknown (400, then close).
    // One pass over the head's lines, which allocates no list.
    int hosts = 0;
    int codings = 0;
    CharSequence coding = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> lines =
        request.headers().iteratorCharSequence();
    while (lines.hasNext()) {
      Map.Entry<CharSequence, CharSequence> line = lines.next();
      if (AsciiString.contentEqualsIgnoreCase(line.getKey(), HttpHeaderNames.HOST)) {
        hosts++;
      } else if (AsciiString.contentEqualsIgnoreCase(
          line.getKey(), HttpHeaderNames.TRANSFER_ENCODING)) {
        codings++;
        coding = line.getValue();
      }
    }
    if (hosts > 1 || (hosts == 0 && version.minorVersion() >= 1)) {
      return ProxyError.BAD_REQUEST;
    }
    if (codings > 0 && (codings > 1 || !coding.toString().strip().equalsIgnoreCase("chunked"))) {
      return ProxyError.BAD_REQUEST;
    }
    return null;
  }

  /**
   * The request target in origin form: an absolute-form target ({@code http://host/path?q}, RFC
   * 9112 3.2.2) loses its scheme and authority; the path of one without a path is {@code /}.
   */
  static String originForm(String target) {
    if (target.isEmpty() || target.charAt(0) == '/') {
      return target;
    }
    int scheme = target.indexOf("://");
    if (scheme <= 0 || !isScheme(target, scheme)) {
      return target;
    }
    int start = scheme + 3;
    for (int i = start; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '/') {
        return target.substring(i);
      }
      if (c == '?' || c == '#') {
        return "/" + target.substring(i);
      }
    }
    return "/";
  }

  private static boolean isScheme(String target, int end) {
    String scheme = target.substring(0, end);
    return scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https");
  }

  /** True when every {@code %} of a raw query string starts a two-digit hex escape. */
  static boolean wellFormedQuery(String rawQuery) {
    for (int i = rawQuery.indexOf('%'); i >= 0; i = rawQuery.indexOf('%', i + 1)) {
      if (i + 2 >= rawQuery.length()
          || !isHex(rawQuery.charAt(i + 1))
          || !isHex(rawQuery.charAt(i + 2))) {
        return false;
      }
      i += 2;
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
