package io.yatagarasu.proxy.cors;

import io.yatagarasu.config.CorsConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CORS answers of one bucket: preflight responses and the headers added to its GET and HEAD
 * responses. A bucket without {@code cors} has no policy and sends no CORS header at all.
 */
public final class CorsPolicy {
  /** Request headers allowed when the configuration lists none: those the proxy forwards. */
  static final List<String> DEFAULT_HEADERS =
      List.of(
          "authorization",
          "range",
          "if-match",
          "if-none-match",
          "if-modified-since",
          "if-unmodified-since",
          "if-range");

  private final Set<String> origins;
  private final boolean anyOrigin;
  private final Set<String> methods;
  private final Set<String> headers;
  private final boolean anyHeader;
  private final String methodsValue;
  private final String exposedValue;
  private final String maxAgeValue;
  private final boolean credentials;

  private CorsPolicy(CorsConfig config) {
    this.origins = Set.copyOf(config.allowedOrigins());
    this.anyOrigin = origins.contains("*");
    this.methods = Set.copyOf(config.allowedMethods());
    Set<String> lower = new TreeSet<>();
    for (String h : config.allowedHeaders().isEmpty() ? DEFAULT_HEADERS : config.allowedHeaders()) {
      lower.add(h.toLowerCase(Locale.ROOT));
    }
    this.headers = Set.copyOf(lower);
    this.anyHeader = headers.contains("*");
    this.methodsValue = String.join(", ", config.allowedMethods());
    this.exposedValue = String.join(", ", config.exposedHeaders());
    this.maxAgeValue = String.valueOf(config.maxAge().toSeconds());
    this.credentials = config.allowCredentials();
  }

  /** The policy of a bucket's CORS settings, or null for a bucket without them. */
  public static CorsPolicy of(CorsConfig config) {
    return config == null ? null : new CorsPolicy(config);
  }

  public boolean allowsOrigin(String origin) {
    return origin != null && (anyOrigin || origins.contains(origin));
  }

  /**
   * The headers of a successful preflight answer, or null when the origin, method or a requested
   * header is not allowed.
   */
  public Map<String, String> preflight(String origin, String method, String requestedHeaders) {
    if (!allowsOrigin(origin) || method == null || !methods.contains(method.trim())) {
      return null;
    }
    if (requestedHeaders != null && !anyHeader) {
      for (String header : requestedHeaders.split(",")) {
        String name = header.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !headers.contains(name)) {
          return null;
        }
      }
    }
    Map<String, String> answer = originHeaders(origin);
    answer.put("Access-Control-Allow-Methods", methodsValue);
    if (requestedHeaders != null && !requestedHeaders.isBlank()) {
      answer.put("Access-Control-Allow-Headers", requestedHeaders.trim());
    }
    answer.put("Access-Control-Max-Age", maxAgeValue);
    return answer;
  }

  /** The headers for a GET or HEAD answer to {@code origin}; empty when it is not allowed. */
  public Map<String, String> response(String origin) {
    if (!allowsOrigin(origin)) {
      return Map.of();
    }
    Map<String, String> answer = originHeaders(origin);
    if (!exposedValue.isEmpty()) {
      answer.put("Access-Control-Expose-Headers", exposedValue);
    }
    return answer;
  }

  private Map<String, String> originHeaders(String origin) {
    Map<String, String> answer = new LinkedHashMap<>();
    if (anyOrigin && !credentials) {
      answer.put("Access-Control-Allow-Origin", "*");
    } else {
      answer.put("Access-Control-Allow-Origin", origin);
      answer.put("Vary", "Origin");
    }
    if (credentials) {
      answer.put("Access-Control-Allow-Credentials", "true");
    }
    return answer;
  }
}
