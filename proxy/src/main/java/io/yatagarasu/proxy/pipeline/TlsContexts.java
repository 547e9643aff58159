package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.yatagarasu.config.TlsConfig;
import io.yatagarasu.config.TlsProvider;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data listener's TLS context, built from PEM files (OpenSSL/BoringSSL or the JDK's TLS, TLS
 * 1.2 and 1.3, HTTP/2 and HTTP/1.1 offered through ALPN) and rebuilt when the files change. New
 * connections take the current context; a pair of files that cannot be loaded keeps the previous
 * one. A new provider in the configuration applies to new connections like a new certificate. The
 * context and the facts of its leaf certificate ({@link #served()}) come from the same bytes and
 * are swapped together.
 */
public final class TlsContexts {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  /** Told of every certificate the data listener starts presenting, and of failed reloads. */
  public interface Listener {
    void loaded(ServedCertificate certificate);

    default void failed() {}
  }

  private record Loaded(SslContext context, ServedCertificate certificate) {}

  private final AtomicReference<Loaded> current = new AtomicReference<>();
  private final Listener listener;
  private final Clock clock;
  private volatile SslProvider provider;
  private volatile TlsConfig settings;
  private volatile long stamp;

  /**
   * Loads the first context; a failure here, or an explicit {@code openssl} provider whose native
   * library cannot load, stops the proxy from starting.
   */
  public TlsContexts(TlsConfig settings) throws SSLException {
    this(settings, certificate -> {}, Clock.systemUTC());
  }

  /** Loads the first context and tells {@code listener}; a failure stops the proxy's start. */
  public TlsContexts(TlsConfig settings, Listener listener, Clock clock) throws SSLException {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.provider = provider(settings.provider());
    this.settings = settings;
    this.stamp = stamp(settings);
    Loaded first = build(settings, provider);
    this.current.set(first);
    LOG.info(
        "TLS provider={} configured={} library={}",
        providerName(),
        settings.provider().name().toLowerCase(Locale.ROOT),
        provider == SslProvider.OPENSSL
            ? OpenSsl.versionString()
            : "JDK " + System.getProperty("java.version"));
    listener.loaded(first.certificate());
  }

  /**
   * The Netty provider for a configured one: {@code auto} takes OpenSSL where its native library
   * loads (BoringSSL is shipped for Linux x86_64 and aarch64), else the JDK's TLS.
   */
  static SslProvider provider(TlsProvider configured) throws SSLException {
    return switch (configured) {
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          Throwable cause = OpenSsl.unavailabilityCause();
          throw new SSLException(
              "provider: openssl is not available on this machine ("
                  + (cause == null ? "unknown reason" : cause.getMessage())
                  + "); use auto or jdk",
              cause);
        }
        yield SslProvider.OPENSSL;
      }
      case AUTO -> {
        if (OpenSsl.isAvailable()) {
          yield SslProvider.OPENSSL;
        }
        LOG.warn(
            "TLS provider auto: OpenSSL is not available ({}); using the JDK's TLS",
            OpenSsl.unavailabilityCause() == null
                ? "unknown reason"
                : OpenSsl.unavailabilityCause().getMessage());
        yield SslProvider.JDK;
      }
    };
  }

  /**
   * Why a configuration's TLS settings cannot be applied on this machine, or null: an explicit
   * {@code openssl} provider without its native library.
   */
  public static String problem(TlsConfig settings) {
    if (settings != null && settings.provider() == TlsProvider.OPENSSL && !OpenSsl.isAvailable()) {
      return "server.tls.provider: openssl is not available on this machine (expected: auto or jdk)";
    }
    return null;
  }

  /** The provider in use: {@code openssl} or {@code jdk}. */
  public String providerName() {
    return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
  }

  SslContext current() {
    return current.get().context();
  }

  /** The certificate new connections are offered now. */
  public ServedCertificate served() {
    return current.get().certificate();
  }

  boolean http2() {
    return settings.http2();
  }

  /**
   * Reloads when the files (or their names in a new configuration) changed. Returns false when a
   * changed pair could not be loaded.
   */
  public boolean refresh(TlsConfig next) {
    long nextStamp = stamp(next);
    if (next.equals(settings) && nextStamp == stamp) {
      return true;
    }
    try {
      SslProvider nextProvider =
          next.provider() == settings.provider() ? provider : provider(next.provider());
      Loaded loaded = build(next, nextProvider);
      current.set(loaded);
      provider = nextProvider;
      settings = next;
      stamp = nextStamp;
      ServedCertificate served = loaded.certificate();
      LOG.info(
          "TLS certificate reloaded certificateFile={} provider={} serial={} notAfter={} sha256={}",
          next.certificateFile(),
          providerName(),
          served.serialNumber(),
          served.notAfter(),
          served.sha256());
      listener.loaded(served);
      return true;
    } catch (SSLException | RuntimeException e) {
      stamp = nextStamp;
      listener.failed();
      LOG.warn(
          "TLS certificate reload failed certificateFile={} reason={}; keeping the previous one",
          next.certificateFile(),
          e.getMessage());
      return false;
    }
  }

  /**
   * Reads each file once, so the context and the reported certificate are the same certificate even
   * when the files change meanwhile.
   */
  private Loaded build(TlsConfig settings, SslProvider provider) throws SSLException {
    byte[] chain = read(settings.certificateFile());
    byte[] key = read(settings.privateKeyFile());
    X509Certificate leaf;
    try {
      leaf =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(chain));
    } catch (CertificateException | ClassCastException e) {
      throw new SSLException(
          "cannot load " + settings.certificateFile() + ": " + e.getMessage(), e);
    }
    SslContext context = build(settings, provider, chain, key);
    return new Loaded(context, ServedCertificate.of(leaf, clock.instant()));
  }

  private static byte[] read(String file) throws SSLException {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new SSLException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static SslContext build(
      TlsConfig settings, SslProvider provider, byte[] chain, byte[] key) throws SSLException {
    List<String> protocols =
        settings.http2()
            ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
            : List.of(ApplicationProtocolNames.HTTP_1_1);
    try {
      return SslContextBuilder.forServer(
              new ByteArrayInputStream(chain), new ByteArrayInputStream(key))
          .sslProvider(provider)
          .protocols("TLSv1.3", "TLSv1.2")
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  protocols))
          .build();
    } catch (IllegalArgumentException e) {
      throw new SSLException(
          "cannot load " + settings.certificateFile() + ": " + e.getMessage(), e);
    }
  }

  private static long stamp(TlsConfig settings) {
    File certificate = new File(settings.certificateFile());
    File key = new File(settings.privateKeyFile());
    return certificate.lastModified() * 31
        + certificate.length()
        + key.lastModified() * 17
        + key.length();
  }
}
