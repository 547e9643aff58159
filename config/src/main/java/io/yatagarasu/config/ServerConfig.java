package io.yatagarasu.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The data listener: where it listens, how large a request head may be, when idle clients go. */
public record ServerConfig(
    ListenAddress listen,
    int maxRequestHeaderBytes,
    int maxUriBytes,
    Duration idleTimeout,
    Transport transport,
    List<String> trustedProxies) {
  private static final ServerConfig DEFAULTS =
      new ServerConfig(
          new ListenAddress("0.0.0.0", 8080),
          16384,
          8192,
          Duration.ofSeconds(60),
          Transport.AUTO,
          List.of());

  public ServerConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(transport, "transport");
    Rules.require(
        "maxRequestHeaderBytes", Rules.REQUEST_HEADER_BYTES.problem(maxRequestHeaderBytes));
    Rules.require("maxUriBytes", Rules.URI_BYTES.problem(maxUriBytes));
    Rules.require("idleTimeout", Rules.timeout(idleTimeout));
    trustedProxies = List.copyOf(Objects.requireNonNull(trustedProxies, "trustedProxies"));
    for (int i = 0; i < trustedProxies.size(); i++) {
      Rules.require("trustedProxies[" + i + "]", Rules.cidr(trustedProxies.get(i)));
    }
  }

  /** Settings that believe no {@code X-Forwarded-For}. */
  public ServerConfig(
      ListenAddress listen,
      int maxRequestHeaderBytes,
      int maxUriBytes,
      Duration idleTimeout,
      Transport transport) {
    this(listen, maxRequestHeaderBytes, maxUriBytes, idleTimeout, transport, List.of());
  }

  /** 0.0.0.0:8080, 16384 header bytes, 8192 URI bytes, 60s idle timeout, automatic transport. */
  public static ServerConfig defaults() {
    return DEFAULTS;
  }
}
