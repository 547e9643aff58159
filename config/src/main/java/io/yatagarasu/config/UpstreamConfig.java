package io.yatagarasu.config;

import java.time.Duration;
import java.util.Objects;

/** Connection settings toward S3 shared by every bucket. */
public record UpstreamConfig(
    Duration connectTimeout, Duration responseTimeout, int maxConnectionsPerEndpoint) {
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
  }

  /** 2s to connect, 30s until the first response byte, 256 connections per endpoint. */
  public static UpstreamConfig defaults() {
    return DEFAULTS;
  }
}
