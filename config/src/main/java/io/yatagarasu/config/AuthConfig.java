package io.yatagarasu.config;

import java.util.Objects;

/** The authentication policy of one bucket. */
public record AuthConfig(AuthType type) {
  public AuthConfig {
    Objects.requireNonNull(type, "type");
  }
}
