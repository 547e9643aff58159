package io.yatagarasu.proxy.cache;

import java.util.List;
import java.util.Locale;

/**
 * The response directives of {@code Cache-Control} (RFC 9111 5.2.2) that a shared cache acts on.
 * Ages are in seconds, {@code -1} when absent. A directive given twice keeps its first value; a
 * {@code max-age} or {@code s-maxage} that is not a number makes the response stale at once (RFC
 * 9111 4.2.1), which is what {@code 0} does.
 */
public record CacheControl(
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    boolean mustRevalidate,
    boolean proxyRevalidate,
    long maxAge,
    long sMaxAge) {

  /** No directive at all. */
  public static final CacheControl NONE =
      new CacheControl(false, false, false, false, false, -1, -1);

  /** Parses every {@code Cache-Control} field line of a response. */
  public static CacheControl parse(List<String> values) {
    boolean noStore = false;
    boolean noCache = false;
    boolean isPrivate = false;
    boolean mustRevalidate = false;
    boolean proxyRevalidate = false;
    long maxAge = -1;
    long sMaxAge = -1;
    for (String value : values) {
      for (String directive : splitDirectives(value)) {
        int eq = directive.indexOf('=');
        String name =
            (eq < 0 ? directive : directive.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        String argument = eq < 0 ? null : unquote(directive.substring(eq + 1).trim());
        switch (name) {
          case "no-store" -> noStore = true;
          // The qualified forms (no-cache="Set-Cookie") are treated as the plain ones: stricter.
          case "no-cache" -> noCache = true;
          case "private" -> isPrivate = true;
          case "must-revalidate" -> mustRevalidate = true;
          case "proxy-revalidate" -> proxyRevalidate = true;
          case "max-age" -> {
            if (maxAge < 0) {
              maxAge = seconds(argument);
            }
          }
          case "s-maxage" -> {
            if (sMaxAge < 0) {
              sMaxAge = seconds(argument);
            }
          }
          default -> {
            // Extensions and request-only directives mean nothing to this cache.
          }
        }
      }
    }
    return new CacheControl(
        noStore, noCache, isPrivate, mustRevalidate, proxyRevalidate, maxAge, sMaxAge);
  }

  /** Seconds of a delta-seconds argument; 0 (stale) when it is missing or not a number. */
  private static long seconds(String argument) {
    if (argument == null || argument.isEmpty()) {
      return 0;
    }
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
    }
    // RFC 9111 1.2.2: a value too large to hold is taken as 2^31 seconds.
    if (argument.length() > 10) {
      return 2_147_483_648L;
    }
    return Math.min(Long.parseLong(argument), 2_147_483_648L);
  }

  /** Splits on commas outside quoted strings. */
  private static List<String> splitDirectives(String value) {
    List<String> parts = new java.util.ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == ',' && !quoted) {
        addPart(parts, value.substring(start, i));
        start = i + 1;
      }
    }
    addPart(parts, value.substring(start));
    return parts;
  }

  private static void addPart(List<String> parts, String part) {
    String trimmed = part.trim();
    if (!trimmed.isEmpty()) {
      parts.add(trimmed);
    }
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /** Whether a shared cache may store the response at all. */
  public boolean storable() {
    return !noStore && !isPrivate;
  }

  /**
   * Whether a stale copy must never be served without revalidating, even when S3 fails: {@code
   * must-revalidate}, {@code proxy-revalidate}, or {@code s-maxage} (which implies {@code
   * proxy-revalidate} for a shared cache, RFC 9111 5.2.2.10).
   */
  public boolean forbidsStale() {
    return mustRevalidate || proxyRevalidate || sMaxAge >= 0;
  }
}
