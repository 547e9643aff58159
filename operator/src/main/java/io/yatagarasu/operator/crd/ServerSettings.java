package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The proxy's listeners and request limits; unset fields take the proxy's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.port) || !has(self.adminPort) || self.port != self.adminPort",
    message = "port and adminPort must differ")
public class ServerSettings {
  /** The Netty transport of the proxy's listeners. */
  public enum Transport {
    @JsonProperty("auto")
    AUTO,
    @JsonProperty("nio")
    NIO,
    @JsonProperty("epoll")
    EPOLL,
    @JsonProperty("io_uring")
    IO_URING
  }

  @JsonPropertyDescription("Container port of the data listener (default 8080).")
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "Container port of the admin listener: /health, /ready, /metrics, /admin (default 9090).")
  @Min(1)
  @Max(65535)
  private Integer adminPort;

  @JsonPropertyDescription("Largest request head in bytes (default 16384).")
  @Min(1024)
  @Max(1048576)
  private Integer maxRequestHeaderBytes;

  @JsonPropertyDescription("Longest request URI in bytes (default 8192).")
  @Min(256)
  @Max(65536)
  private Integer maxUriBytes;

  @JsonPropertyDescription("Idle client connections are closed after this long (default 60s).")
  @Pattern(Durations.PATTERN)
  private String idleTimeout;

  @JsonPropertyDescription(
      "Netty transport: auto (default: io_uring where the kernel and the seccomp profile allow"
          + " it, else epoll, else NIO), nio, epoll or io_uring.")
  private Transport transport;

  @JsonPropertyDescription(
      "CIDRs of load balancers whose X-Forwarded-For is believed (default: none).")
  private List<String> trustedProxies;

  @JsonPropertyDescription("Time a client has to send the request head (default 10s).")
  @Pattern(Durations.PATTERN)
  private String requestHeaderTimeout;

  @JsonPropertyDescription("Requests in flight per pod before 503 (default 10000).")
  @Min(1)
  @Max(1000000)
  private Integer maxConcurrentRequests;

  @JsonPropertyDescription(
      "After SIGTERM, time the pod keeps serving while reporting not ready, so load balancers"
          + " stop sending to it (default 5s).")
  @Pattern(Durations.PATTERN)
  private String drainDelay;

  @JsonPropertyDescription(
      "After the drain delay, time in-flight requests have to finish (default 30s).")
  @Pattern(Durations.PATTERN)
  private String shutdownGracePeriod;

  @JsonPropertyDescription("HTTPS on the data listener from a kubernetes.io/tls Secret.")
  private TlsSettings tls;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getAdminPort() {
    return adminPort;
  }

  public void setAdminPort(Integer adminPort) {
    this.adminPort = adminPort;
  }

  public Integer getMaxRequestHeaderBytes() {
    return maxRequestHeaderBytes;
  }

  public void setMaxRequestHeaderBytes(Integer maxRequestHeaderBytes) {
    this.maxRequestHeaderBytes = maxRequestHeaderBytes;
  }

  public Integer getMaxUriBytes() {
    return maxUriBytes;
  }

  public void setMaxUriBytes(Integer maxUriBytes) {
    this.maxUriBytes = maxUriBytes;
  }

  public String getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(String idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public String getRequestHeaderTimeout() {
    return requestHeaderTimeout;
  }

  public void setRequestHeaderTimeout(String requestHeaderTimeout) {
    this.requestHeaderTimeout = requestHeaderTimeout;
  }

  public Integer getMaxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  public void setMaxConcurrentRequests(Integer maxConcurrentRequests) {
    this.maxConcurrentRequests = maxConcurrentRequests;
  }

  public String getDrainDelay() {
    return drainDelay;
  }

  public void setDrainDelay(String drainDelay) {
    this.drainDelay = drainDelay;
  }

  public String getShutdownGracePeriod() {
    return shutdownGracePeriod;
  }

  public void setShutdownGracePeriod(String shutdownGracePeriod) {
    this.shutdownGracePeriod = shutdownGracePeriod;
  }

  public List<String> getTrustedProxies() {
    return trustedProxies;
  }

  public void setTrustedProxies(List<String> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  public Transport getTransport() {
    return transport;
  }

  public void setTransport(Transport transport) {
    this.transport = transport;
  }

  public TlsSettings getTls() {
    return tls;
  }

  public void setTls(TlsSettings tls) {
    this.tls = tls;
  }
}
