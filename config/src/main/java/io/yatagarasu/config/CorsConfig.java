package io.yatagarasu.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Cross-origin access to one bucket from browsers: which origins may read it, with which methods
 * and request headers, which response headers scripts may see, and how long a preflight answer may
 * be cached.
 */
public record CorsConfig(
    List<String> allowedOrigins,
    List<String> allowedMethods,
    List<String> allowedHeaders,
    List<String> exposedHeaders,
    Duration maxAge,
    boolean allowCredentials) {
  public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD");
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  public CorsConfig {
    allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
    allowedMethods = List.copyOf(Objects.requireNonNull(allowedMethods, "allowedMethods"));
    allowedHeaders = List.copyOf(Objects.requireNonNull(allowedHeaders, "allowedHeaders"));
    exposedHeaders = List.copyOf(Objects.requireNonNull(exposedHeaders, "exposedHeaders"));
    Objects.requireNonNull(maxAge, "maxAge");
    if (allowedOrigins.isEmpty()) {
      throw new IllegalArgumentException("allowedOrigins: must not be empty");
    }
    for (int i = 0; i < allowedOrigins.size(); i++) {
      Rules.require("allowedOrigins[" + i + "]", Rules.origin(allowedOrigins.get(i)));
    }
    for (int i = 0; i < allowedMethods.size(); i++) {
      Rules.require("allowedMethods[" + i + "]", Rules.corsMethod(allowedMethods.get(i)));
    }
    Rules.require("maxAge", Rules.CORS_MAX_AGE.problem(maxAge));
    if (allowCredentials && allowedOrigins.contains("*")) {
      throw new IllegalArgumentException(
          "allowCredentials: cannot be true with the origin \"*\" (expected: list the origins)");
    }
  }
}
