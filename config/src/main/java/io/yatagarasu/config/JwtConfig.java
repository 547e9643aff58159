package io.yatagarasu.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * JWT verification: the trusted issuers, the clock skew allowed, and where tokens are looked for.
 */
public record JwtConfig(
    List<JwtIssuer> issuers, Duration clockSkew, List<TokenSource> tokenSources) {
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  private static final JwtConfig DEFAULTS =
      new JwtConfig(List.of(), DEFAULT_CLOCK_SKEW, List.of(TokenSource.bearerHeader()));

  public JwtConfig {
    issuers = List.copyOf(Objects.requireNonNull(issuers, "issuers"));
    Objects.requireNonNull(clockSkew, "clockSkew");
    tokenSources = List.copyOf(Objects.requireNonNull(tokenSources, "tokenSources"));
    Rules.require("clockSkew", Rules.CLOCK_SKEW.problem(clockSkew));
    if (tokenSources.isEmpty()) {
      throw new IllegalArgumentException("tokenSources: must not be empty");
    }
    for (int i = 0; i < issuers.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (issuers.get(j).name().equals(issuers.get(i).name())) {
          throw new IllegalArgumentException(
              "issuers[" + i + "].name: " + Rules.duplicates("issuers[" + j + "]"));
        }
      }
    }
  }

  /** No issuers, 30 s clock skew, tokens from {@code Authorization: Bearer}. */
  public static JwtConfig defaults() {
    return DEFAULTS;
  }

  /** The issuer with this name, or null. */
  public JwtIssuer issuer(String name) {
    for (JwtIssuer issuer : issuers) {
      if (issuer.name().equals(name)) {
        return issuer;
      }
    }
    return null;
  }
}
