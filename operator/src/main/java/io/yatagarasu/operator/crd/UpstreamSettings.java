package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Connection settings toward S3; unset fields take the proxy's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpstreamSettings {
  @JsonPropertyDescription("Time allowed to open a connection to S3 (default 2s).")
  @Pattern(Durations.PATTERN)
  private String connectTimeout;

  @JsonPropertyDescription("Time allowed until the first response byte from S3 (default 30s).")
  @Pattern(Durations.PATTERN)
  private String responseTimeout;

  @JsonPropertyDescription("Pooled connections per S3 endpoint and proxy pod (default 256).")
  @Min(1)
  @Max(65536)
  private Integer maxConnectionsPerEndpoint;

  @JsonPropertyDescription("Longest pause between two chunks of an S3 response body (default 30s).")
  @Pattern(Durations.PATTERN)
  private String bodyIdleTimeout;

  @JsonPropertyDescription(
      "A pooled keep-alive connection to S3 unused this long is closed (default 30s).")
  @Pattern(Durations.PATTERN)
  private String idleConnectionTimeout;

  @JsonPropertyDescription("Retries of GET and HEAD before the first byte reaches the client.")
  private Retry retry;

  @JsonPropertyDescription("Circuit breaker per S3 endpoint.")
  private CircuitBreakerSettings circuitBreaker;

  /** Retries toward S3, bounded by a budget so an outage does not become a retry storm. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Retry {
    @JsonPropertyDescription("Attempts in all, the first included (default 3).")
    @Min(1)
    @Max(10)
    private Integer maxAttempts;

    @JsonPropertyDescription("Smallest backoff (default 50ms).")
    @Pattern(Durations.PATTERN)
    private String baseDelay;

    @JsonPropertyDescription("Largest backoff (default 1s).")
    @Pattern(Durations.PATTERN)
    private String maxDelay;

    @JsonPropertyDescription("Retries stay under this percentage of requests (default 20).")
    @Min(0)
    @Max(100)
    private Integer budgetPercent;

    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public String getBaseDelay() {
      return baseDelay;
    }

    public void setBaseDelay(String baseDelay) {
      this.baseDelay = baseDelay;
    }

    public String getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(String maxDelay) {
      this.maxDelay = maxDelay;
    }

    public Integer getBudgetPercent() {
      return budgetPercent;
    }

    public void setBudgetPercent(Integer budgetPercent) {
      this.budgetPercent = budgetPercent;
    }
  }

  public String getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(String connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public String getResponseTimeout() {
    return responseTimeout;
  }

  public void setResponseTimeout(String responseTimeout) {
    this.responseTimeout = responseTimeout;
  }

  public String getBodyIdleTimeout() {
    return bodyIdleTimeout;
  }

  public void setBodyIdleTimeout(String bodyIdleTimeout) {
    this.bodyIdleTimeout = bodyIdleTimeout;
  }

  public String getIdleConnectionTimeout() {
    return idleConnectionTimeout;
  }

  public void setIdleConnectionTimeout(String idleConnectionTimeout) {
    this.idleConnectionTimeout = idleConnectionTimeout;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  public Integer getMaxConnectionsPerEndpoint() {
    return maxConnectionsPerEndpoint;
  }

  public void setMaxConnectionsPerEndpoint(Integer maxConnectionsPerEndpoint) {
    this.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint;
  }

  public CircuitBreakerSettings getCircuitBreaker() {
    return circuitBreaker;
  }

  public void setCircuitBreaker(CircuitBreakerSettings circuitBreaker) {
    this.circuitBreaker = circuitBreaker;
  }
}
