package io.yatagarasu.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A trusted token issuer: its {@code iss} value, accepted audiences, and where its keys come from
 * (a JWKS URL, static keys, or both).
 */
public record JwtIssuer(
    String name,
    String issuer,
    List<String> audiences,
    URI jwksUrl,
    List<JwtKey> keys,
    Duration jwksRefreshInterval) {
  public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofMinutes(10);

  public JwtIssuer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(issuer, "issuer");
    audiences = List.copyOf(Objects.requireNonNull(audiences, "audiences"));
    keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    Objects.requireNonNull(jwksRefreshInterval, "jwksRefreshInterval");
    Rules.require("name", Rules.bucketName(name));
    Rules.require("issuer", Rules.notEmpty(issuer));
    if (jwksUrl != null) {
      Rules.require("jwksUrl", Rules.httpUrl(jwksUrl));
    }
    if (jwksUrl == null && keys.isEmpty()) {
      throw new IllegalArgumentException("keys: " + Rules.NO_KEYS);
    }
    Rules.require("jwksRefreshInterval", Rules.JWKS_REFRESH.problem(jwksRefreshInterval));
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      JwtKey key = keys.get(i);
      if (key.kid() == null && keys.size() > 1) {
        throw new IllegalArgumentException("keys[" + i + "].kid: " + Rules.KID_REQUIRED);
      }
      if (key.kid() != null && !kids.add(key.kid())) {
        throw new IllegalArgumentException(
            "keys[" + i + "].kid: " + Rules.quote(key.kid()) + " is used twice");
      }
    }
  }
}
