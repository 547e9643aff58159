package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.yatagarasu.config.TlsConfig;
import java.io.File;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data listener's TLS context, built from PEM files (JDK provider, TLS 1.2 and 1.3, HTTP/2 and
 * HTTP/1.1 offered through ALPN) and rebuilt when the files change. New connections take the
 * current context; a pair of files that cannot be loaded keeps the previous one.
 */
public final class TlsContexts {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  private final AtomicReference<SslContext> current = new AtomicReference<>();
  private volatile TlsConfig settings;
  private volatile long stamp;

  /** Loads the first context; a failure here stops the proxy from starting. */
  public TlsContexts(TlsConfig settings) throws SSLException {
    this.settings = settings;
    this.current.set(build(settings));
    this.stamp = stamp(settings);
  }

  SslContext current() {
    return current.get();
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
      current.set(build(next));
      settings = next;
      stamp = nextStamp;
      LOG.info("TLS certificate reloaded certificateFile={}", next.certificateFile());
      return true;
    } catch (SSLException | RuntimeException e) {
      stamp = nextStamp;
      LOG.warn(
          "TLS certificate reload failed certificateFile={} reason={}; keeping the previous one",
          next.certificateFile(),
          e.getMessage());
      return false;
    }
  }

  private static SslContext build(TlsConfig settings) throws SSLException {
    List<String> protocols =
        settings.http2()
            ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
            : List.of(ApplicationProtocolNames.HTTP_1_1);
    try {
      return SslContextBuilder.forServer(
              new File(settings.certificateFile()), new File(settings.privateKeyFile()))
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
