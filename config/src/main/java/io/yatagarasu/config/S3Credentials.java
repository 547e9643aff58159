package io.yatagarasu.config;

import java.util.Objects;

/**
 * Static AWS credentials for one bucket. {@link #toString()} never shows the secret or the token.
 */
public record S3Credentials(String accessKeyId, String secretAccessKey, String sessionToken) {
  public S3Credentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Rules.require("accessKeyId", Rules.notEmpty(accessKeyId));
    Rules.require("secretAccessKey", Rules.notEmpty(secretAccessKey));
    if (sessionToken != null && sessionToken.isEmpty()) {
      sessionToken = null;
    }
  }

  @Override
  public String toString() {
    // The key id is an identifier, not a secret, but only a hint of it is needed to tell keys
    // apart.
    String keyId = accessKeyId.length() > 4 ? accessKeyId.substring(0, 4) + "…" : "…";
    return "S3Credentials[accessKeyId="
        + keyId
        + ", secretAccessKey=****, sessionToken="
        + (sessionToken == null ? "null" : "****")
        + "]";
  }
}
