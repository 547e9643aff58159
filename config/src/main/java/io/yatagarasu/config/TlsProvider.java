package io.yatagarasu.config;

/**
 * The TLS implementation of the data listener; written in lowercase in the document. {@code auto}
 * takes OpenSSL (BoringSSL, shipped with the proxy) where its native library loads and the JDK's
 * TLS elsewhere; {@code openssl} refuses to start without the native library.
 */
public enum TlsProvider {
  AUTO,
  OPENSSL,
  JDK
}
