package io.yatagarasu.config;

import java.util.Objects;

/**
 * Where a request's token may be: a header (with a prefix such as {@code "Bearer "}), a query
 * parameter, or a cookie.
 */
public record TokenSource(Kind kind, String name, String prefix) {
  private static final TokenSource BEARER =
      new TokenSource(Kind.HEADER, "Authorization", "Bearer ");

  /** The three places a token can travel in. */
  public enum Kind {
    HEADER,
    QUERY,
    COOKIE
  }

  public TokenSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Rules.require(kind.name().toLowerCase(java.util.Locale.ROOT), Rules.notEmpty(name));
    if (prefix != null && kind != Kind.HEADER) {
      throw new IllegalArgumentException("prefix: only a header has a prefix");
    }
    if (prefix == null && kind == Kind.HEADER) {
      prefix = "";
    }
  }

  /** {@code Authorization: Bearer <token>}, the default and only source unless configured. */
  public static TokenSource bearerHeader() {
    return BEARER;
  }
}
