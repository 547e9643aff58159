package io.yatagarasu.config;

import java.util.List;
import java.util.Objects;

/**
 * The authentication policy of one bucket: {@code public}, or {@code jwt} with the issuers it
 * trusts (empty: all), the claim rules that must all hold, and an optional path claim.
 */
public record AuthConfig(
    AuthType type, List<String> issuers, List<ClaimRule> claims, PathClaim pathClaim) {
  private static final AuthConfig PUBLIC = new AuthConfig(AuthType.PUBLIC);

  public AuthConfig {
    Objects.requireNonNull(type, "type");
    issuers = List.copyOf(Objects.requireNonNull(issuers, "issuers"));
    claims = List.copyOf(Objects.requireNonNull(claims, "claims"));
    if (type == AuthType.PUBLIC) {
      String field =
          !issuers.isEmpty()
              ? "issuers"
              : !claims.isEmpty() ? "claims" : pathClaim != null ? "pathClaim" : null;
      if (field != null) {
        throw new IllegalArgumentException(field + ": " + Rules.ONLY_FOR_JWT);
      }
    }
  }

  /** A policy with no issuers, claims or path claim. */
  public AuthConfig(AuthType type) {
    this(type, List.of(), List.of(), null);
  }

  /** No authentication. */
  public static AuthConfig publicAccess() {
    return PUBLIC;
  }
}
