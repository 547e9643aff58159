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
    List<String> trustedProxies,
    Duration requestHeaderTimeout,
    int maxConcurrentRequests,
    Duration drainDelay,
    Duration shutdownGracePeriod,
    TlsConfig tls) {
  public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 10_000;
  public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);
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
    Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    Objects.requireNonNull(drainDelay, "drainDelay");
    Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
    Rules.require("requestHeaderTimeout", Rules.timeout(requestHeaderTimeout));
    Rules.require(
        "maxConcurrentRequests", Rules.CONCURRENT_REQUESTS.problem(maxConcurrentRequests));
    Rules.require("drainDelay", Rules.DRAIN_DELAY.problem(drainDelay));
    Rules.require("shutdownGracePeriod", Rules.GRACE_PERIOD.problem(shutdownGracePeriod));
  }

  /** Settings without TLS. */
  public ServerConfig(
      ListenAddress listen,
      int maxRequestHeaderBytes,
      int maxUriBytes,
      Duration idleTimeout,
      Transport transport,
      List<String> trustedProxies,
      Duration requestHeaderTimeout,
      int maxConcurrentRequests,
      Duration drainDelay,
      Duration shutdownGracePeriod) {
    this(
        listen,
        maxRequestHeaderBytes,
        maxUriBytes,
        idleTimeout,
        transport,
        trustedProxies,
        requestHeaderTimeout,
        maxConcurrentRequests,
        drainDelay,
        shutdownGracePeriod,
        null);
  }

  /** Settings with default timeouts, limits and shutdown behaviour. */
  public ServerConfig(
      ListenAddress listen,
      int maxRequestHeaderBytes,
      int maxUriBytes,
      Duration idleTimeout,
      Transport transport,
      List<String> trustedProxies) {
    this(
        listen,
        maxRequestHeaderBytes,
        maxUriBytes,
        idleTimeout,
        transport,
        trustedProxies,
        DEFAULT_REQUEST_HEADER_TIMEOUT,
        DEFAULT_MAX_CONCURRENT_REQUESTS,
        DEFAULT_DRAIN_DELAY,
        DEFAULT_SHUTDOWN_GRACE_PERIOD);
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
