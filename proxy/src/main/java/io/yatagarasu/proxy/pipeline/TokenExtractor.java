package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.yatagarasu.config.TokenSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a request's token in the configured sources. A request carries one token: a credential
 * header given twice, or two sources (header, query parameter, cookie) holding different tokens,
 * make the request ambiguous (RFC 6750 3.1), and it is refused rather than resolved by order.
 */
final class TokenExtractor {
  private TokenExtractor() {}

  /** The request names more than one credential; it gets 400. */
  static final class AmbiguousTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    AmbiguousTokenException() {
      super("ambiguous token", null, false, false);
    }
  }

  /** The one token the request carries, or null when it carries none. */
  static String extract(List<TokenSource> sources, HttpHeaders headers, String rawQuery)
      throws AmbiguousTokenException {
    String found = null;
    for (TokenSource source : sources) {
      List<String> tokens =
          switch (source.kind()) {
            case HEADER -> fromHeader(headers.getAll(source.name()), source.prefix());
            case QUERY -> fromQuery(rawQuery, source.name());
            case COOKIE -> fromCookies(headers.getAll(HttpHeaderNames.COOKIE), source.name());
          };
      for (String token : tokens) {
        if (token == null || token.isEmpty()) {
          continue;
        }
        if (found == null) {
          found = token;
        } else if (!found.equals(token)) {
          throw new AmbiguousTokenException();
        }
      }
    }
    return found;
  }

  private static List<String> fromHeader(List<String> values, String prefix)
      throws AmbiguousTokenException {
    if (values.isEmpty()) {
      return List.of();
    }
    if (values.size() > 1) {
      // A credential header is not a list (RFC 9110 5.3): two of them are one request too many.
      throw new AmbiguousTokenException();
    }
    String value = values.get(0);
    if (!prefix.isEmpty()) {
      if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return List.of();
      }
      value = value.substring(prefix.length());
    }
    return List.of(value.trim());
  }

  private static List<String> fromQuery(String rawQuery, String name) {
    if (rawQuery.isEmpty()) {
      return List.of();
    }
    // The frontend has checked every escape, so decoding cannot fail here.
    List<String> values = new QueryStringDecoder(rawQuery, false).parameters().get(name);
    return values == null ? List.of() : values;
  }

  private static List<String> fromCookies(List<String> cookieHeaders, String name) {
    List<String> found = new ArrayList<>(1);
    for (String header : cookieHeaders) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
        if (cookie.name().equals(name)) {
          found.add(cookie.value());
        }
      }
    }
    return found;
  }
}
