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

  public Integer getMaxConnectionsPerEndpoint() {
    return maxConnectionsPerEndpoint;
  }

  public void setMaxConnectionsPerEndpoint(Integer maxConnectionsPerEndpoint) {
    this.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint;
  }
}
