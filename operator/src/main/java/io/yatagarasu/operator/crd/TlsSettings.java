package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * HTTPS on the data listener from a {@code kubernetes.io/tls} Secret in the fleet's namespace (what
 * cert-manager writes); the proxy reloads the files when the Secret changes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSettings {
  /** The TLS implementation of the proxy's data listener. */
  public enum Provider {
    @JsonProperty("auto")
    AUTO,
    @JsonProperty("openssl")
    OPENSSL,
    @JsonProperty("jdk")
    JDK
  }

  @JsonPropertyDescription(
      "Name of a kubernetes.io/tls Secret (keys tls.crt and tls.key) in the fleet's namespace.")
  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String secretName;

  @JsonPropertyDescription("Offer HTTP/2 through ALPN beside HTTP/1.1 (default true).")
  private Boolean http2;

  @JsonPropertyDescription(
      "TLS implementation: auto (default: OpenSSL/BoringSSL where its native library loads, else"
          + " the JDK's), openssl (the proxy does not start without it) or jdk.")
  private Provider provider;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public Boolean getHttp2() {
    return http2;
  }

  public void setHttp2(Boolean http2) {
    this.http2 = http2;
  }

  public Provider getProvider() {
    return provider;
  }

  public void setProvider(Provider provider) {
    this.provider = provider;
  }
}
