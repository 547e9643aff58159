package io.yatagarasu.config;

import java.util.Objects;

/**
 * A static verification key of an issuer, pinned to one algorithm: a public key (PEM or JWK JSON)
 * for RSA, EC and EdDSA algorithms, or a shared secret for HMAC ones.
 *
 * @param kid the key id tokens name in their header; may be null when the issuer has one key
 */
public record JwtKey(String kid, JwtAlgorithm algorithm, String publicKey, String secret) {
  public JwtKey {
    Objects.requireNonNull(algorithm, "algorithm");
    if (kid != null) {
      Rules.require("kid", Rules.notEmpty(kid));
    }
    Rules.require("publicKey", Rules.keyMaterial(algorithm, publicKey, secret));
  }

  @Override
  public String toString() {
    return "JwtKey[kid="
        + kid
        + ", algorithm="
        + algorithm
        + (publicKey == null ? "" : ", publicKey=(" + publicKey.length() + " chars)")
        + (secret == null ? "" : ", secret=****")
        + "]";
  }
}
