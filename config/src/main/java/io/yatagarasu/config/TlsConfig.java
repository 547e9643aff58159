package io.yatagarasu.config;

import java.util.Objects;

/**
 * TLS on the data listener: PEM certificate chain and private key files (read again when they
 * change), TLS 1.2 and 1.3 only, and HTTP/2 offered through ALPN beside HTTP/1.1 unless turned off.
 */
public record TlsConfig(String certificateFile, String privateKeyFile, boolean http2) {
  public TlsConfig {
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(privateKeyFile, "privateKeyFile");
    Rules.require("certificateFile", Rules.notEmpty(certificateFile));
    Rules.require("privateKeyFile", Rules.notEmpty(privateKeyFile));
  }
}
