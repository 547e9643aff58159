package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.yatagarasu.config.TlsConfig;
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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data listener's TLS context, built from PEM files (JDK provider, TLS 1.2 and 1.3, HTTP/2 and
 * HTTP/1.1 offered through ALPN) and rebuilt when the files change. New connections take the
 * current context; a pair of files that cannot be loaded keeps the previous one. The context and
 * the facts of its leaf certificate ({@link #served()}) come from the same bytes and are swapped
 * together.
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
  private volatile TlsConfig settings;
  private volatile long stamp;

  /** Loads the first context; a failure here stops the proxy from starting. */
  public TlsContexts(TlsConfig settings) throws SSLException {
    this(settings, certificate -> {}, Clock.systemUTC());
  }

  /** Loads the first context and tells {@code listener}; a failure stops the proxy's start. */
  public TlsContexts(TlsConfig settings, Listener listener, Clock clock) throws SSLException {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = settings;
    this.stamp = stamp(settings);
    Loaded first = build(settings);
    this.current.set(first);
    listener.loaded(first.certificate());
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
      Loaded loaded = build(next);
      current.set(loaded);
      settings = next;
      stamp = nextStamp;
      ServedCertificate served = loaded.certificate();
      LOG.info(
          "TLS certificate reloaded certificateFile={} serial={} notAfter={} sha256={}",
          next.certificateFile(),
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
  private Loaded build(TlsConfig settings) throws SSLException {
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
    SslContext context = build(settings, chain, key);
    return new Loaded(context, ServedCertificate.of(leaf, clock.instant()));
  }

  private static byte[] read(String file) throws SSLException {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new SSLException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static SslContext build(TlsConfig settings, byte[] chain, byte[] key)
      throws SSLException {
    List<String> protocols =
        settings.http2()
            ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
            : List.of(ApplicationProtocolNames.HTTP_1_1);
    try {
      return SslContextBuilder.forServer(
              new ByteArrayInputStream(chain), new ByteArrayInputStream(key))
          .sslProvider(SslProvider.JDK)
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
