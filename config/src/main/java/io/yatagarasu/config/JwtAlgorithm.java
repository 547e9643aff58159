package io.yatagarasu.config;

/** The signature algorithms a JWT key may be pinned to. */
public enum JwtAlgorithm implements Rules.Spelled {
  HS256(Family.HMAC, 32),
  HS384(Family.HMAC, 48),
  HS512(Family.HMAC, 64),
  RS256(Family.RSA, 0),
  RS384(Family.RSA, 0),
  RS512(Family.RSA, 0),
  PS256(Family.RSA, 0),
  PS384(Family.RSA, 0),
  PS512(Family.RSA, 0),
  ES256(Family.EC, 0),
  ES384(Family.EC, 0),
  ES512(Family.EC, 0),
  EdDSA(Family.OKP, 0);

  /** The kind of key an algorithm needs. */
  public enum Family {
    HMAC,
    RSA,
    EC,
    OKP
  }

  private final Family family;
  private final int minSecretBytes;

  JwtAlgorithm(Family family, int minSecretBytes) {
    this.family = family;
    this.minSecretBytes = minSecretBytes;
  }

  public Family family() {
    return family;
  }

  /** The shortest secret an HMAC algorithm accepts: as many bytes as its hash has. */
  public int minSecretBytes() {
    return minSecretBytes;
  }

  @Override
  public String spelling() {
    return name();
  }
}
