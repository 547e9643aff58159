package io.yatagarasu.config;

import java.util.Objects;

/**
 * The admin listener: health, readiness, metrics and the admin API.
 *
 * @param tokenFile a file holding the bearer token that {@code /admin/*} requires; {@code null}
 *     turns {@code /admin/*} off
 * @param maxBodyBytes the largest request body the admin API accepts (a pushed configuration)
 */
public record AdminConfig(ListenAddress listen, String tokenFile, int maxBodyBytes) {
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
  private static final AdminConfig DEFAULTS =
      new AdminConfig(new ListenAddress("127.0.0.1", 9090), null, DEFAULT_MAX_BODY_BYTES);

  public AdminConfig {
    Objects.requireNonNull(listen, "listen");
    if (tokenFile != null) {
      Rules.require("tokenFile", Rules.notEmpty(tokenFile));
    }
    Rules.require("maxBodyBytes", Rules.ADMIN_BODY_BYTES.problem(maxBodyBytes));
  }

  /** An admin listener without the admin API. */
  public AdminConfig(ListenAddress listen) {
    this(listen, null, DEFAULT_MAX_BODY_BYTES);
  }

  /** Listens on 127.0.0.1:9090, admin API off, 16 MiB bodies. */
  public static AdminConfig defaults() {
    return DEFAULTS;
  }
}
