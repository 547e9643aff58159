package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.yatagarasu.config.TokenSource;
import java.util.List;

/** Finds a request's token in the configured sources, tried in order. */
final class TokenExtractor {
  private TokenExtractor() {}

  /** The first token found, or null. */
  static String extract(List<TokenSource> sources, HttpHeaders headers, String rawQuery) {
    for (TokenSource source : sources) {
      String token =
          switch (source.kind()) {
            case HEADER -> fromHeader(headers.get(source.name()), source.prefix());
            case QUERY -> fromQuery(rawQuery, source.name());
            case COOKIE -> fromCookies(headers.getAll(HttpHeaderNames.COOKIE), source.name());
          };
      if (token != null && !token.isEmpty()) {
        return token;
      }
    }
    return null;
  }

  private static String fromHeader(String value, String prefix) {
    if (value == null) {
      return null;
    }
    if (!prefix.isEmpty()) {
      if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return null;
      }
      value = value.substring(prefix.length());
    }
    return value.trim();
  }

  private static String fromQuery(String rawQuery, String name) {
    if (rawQuery.isEmpty()) {
      return null;
    }
    List<String> values = new QueryStringDecoder(rawQuery, false).parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String fromCookies(List<String> cookieHeaders, String name) {
    for (String header : cookieHeaders) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
        if (cookie.name().equals(name)) {
          return cookie.value();
        }
      }
    }
    return null;
  }
}
