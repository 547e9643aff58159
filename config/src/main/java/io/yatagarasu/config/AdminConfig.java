package io.yatagarasu.config;

import java.util.Objects;

/** The admin listener: metrics, health, readiness and the config push endpoint. */
public record AdminConfig(ListenAddress listen) {
  private static final AdminConfig DEFAULTS = new AdminConfig(new ListenAddress("127.0.0.1", 9090));

  public AdminConfig {
    Objects.requireNonNull(listen, "listen");
  }

  /** Listens on 127.0.0.1:9090. */
  public static AdminConfig defaults() {
    return DEFAULTS;
  }
}
