package io.yatagarasu.proxy.auth;

/** Why a token was refused; the message names the check, never the token. */
public enum TokenProblem {
  TOO_LARGE("The token is larger than 16 KiB."),
  MALFORMED("The token is not a well-formed signed JWT."),
  ALGORITHM("The token's signature algorithm is not accepted for its key."),
  FORBIDDEN_HEADER("The token carries a jku, x5u, jwk or crit header, which is not accepted."),
  UNKNOWN_KEY("The token's key is not known."),
  SIGNATURE("The token's signature does not verify."),
  ISSUER("The token's issuer is not trusted for this bucket."),
  AUDIENCE("The token's audience is not accepted."),
  NO_EXPIRY("The token has no expiry time."),
  EXPIRED("The token has expired."),
  NOT_YET_VALID("The token is not valid yet.");

  private final String message;
  private final String reason;

  TokenProblem(String message) {
    this.message = message;
    this.reason = name().toLowerCase(java.util.Locale.ROOT);
  }

  public String message() {
    return message;
  }

  /** The word for logs and metrics: {@code expired}, {@code audience}, {@code unknown_key}... */
  public String reason() {
    return reason;
  }
}
