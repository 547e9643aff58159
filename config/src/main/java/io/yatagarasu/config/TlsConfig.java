package io.yatagarasu.config;

import java.util.Objects;

/**
 * TLS on the data listener: PEM certificate chain and private key files (read again when they
 * change), TLS 1.2 and 1.3 only, HTTP/2 offered through ALPN beside HTTP/1.1 unless turned off, and
 * the TLS implementation ({@link TlsProvider}).
 */
public record TlsConfig(
    String certificateFile, String privateKeyFile, boolean http2, TlsProvider provider) {
  public TlsConfig {
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    Objects.requireNonNull(provider, "provider");
    Rules.require("certificateFile", Rules.notEmpty(certificateFile));
    Rules.require("privateKeyFile", Rules.notEmpty(privateKeyFile));
  }

  /** Settings with the {@code auto} provider. */
  public TlsConfig(String certificateFile, String privateKeyFile, boolean http2) {
    this(certificateFile, privateKeyFile, http2, TlsProvider.AUTO);
  }
}
