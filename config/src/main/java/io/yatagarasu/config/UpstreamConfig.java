package io.yatagarasu.config;

import java.time.Duration;
import java.util.Objects;

/** Connection settings toward S3 shared by every bucket. */
public record UpstreamConfig(
    Duration connectTimeout,
    Duration responseTimeout,
    int maxConnectionsPerEndpoint,
    Duration bodyIdleTimeout,
    Duration idleConnectionTimeout,
    RetryConfig retry,
    CircuitBreakerConfig circuitBreaker) {
  public static final Duration DEFAULT_BODY_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** How long a pooled connection to S3 may stay idle before the proxy closes it. */
  public static final Duration DEFAULT_IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

  private static final UpstreamConfig DEFAULTS =
      new UpstreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(30), 256);

  public UpstreamConfig {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Rules.require("connectTimeout", Rules.timeout(connectTimeout));
    Rules.require("responseTimeout", Rules.timeout(responseTimeout));
    Rules.require(
        "maxConnectionsPerEndpoint",
        Rules.CONNECTIONS_PER_ENDPOINT.problem(maxConnectionsPerEndpoint));
    Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
    Objects.requireNonNull(idleConnectionTimeout, "idleConnectionTimeout");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    Rules.require("bodyIdleTimeout", Rules.timeout(bodyIdleTimeout));
    Rules.require("idleConnectionTimeout", Rules.timeout(idleConnectionTimeout));
  }

  /** Settings with the default body and connection idle timeouts and retries. */
  public UpstreamConfig(
      Duration connectTimeout, Duration responseTimeout, int maxConnectionsPerEndpoint) {
    this(
        connectTimeout,
        responseTimeout,
        maxConnectionsPerEndpoint,
        DEFAULT_BODY_IDLE_TIMEOUT,
        DEFAULT_IDLE_CONNECTION_TIMEOUT,
        RetryConfig.defaults(),
        CircuitBreakerConfig.defaults());
  }

  /** Settings with the default connection idle timeout and circuit breaker. */
  public UpstreamConfig(
      Duration connectTimeout,
      Duration responseTimeout,
      int maxConnectionsPerEndpoint,
      Duration bodyIdleTimeout,
      RetryConfig retry) {
    this(
        connectTimeout,
        responseTimeout,
        maxConnectionsPerEndpoint,
        bodyIdleTimeout,
        DEFAULT_IDLE_CONNECTION_TIMEOUT,
        retry,
        CircuitBreakerConfig.defaults());
  }

  /**
   * 2s to connect, 30s until the first response byte, 256 connections per endpoint, 30s between
   * body chunks, idle connections closed after 30s, default retries.
   */
  public static UpstreamConfig defaults() {
    return DEFAULTS;
  }
}
