package io.yatagarasu.proxy.pipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.Transports;
import io.yatagarasu.proxy.s3.S3Target;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Creates upstream endpoints that share the event loops, the asynchronous DNS resolver (so a lookup
 * never blocks a loop) and the TLS client context (JDK provider, hostname verification on).
 */
public final class Upstreams implements AutoCloseable {
  private final EventLoopGroup group;
  private final Transports transports;
  private final DnsAddressResolverGroup resolver;
  private final SslContext sslContext;
  private final Set<UpstreamEndpoint> open = ConcurrentHashMap.newKeySet();
  private final Set<UpstreamEndpoint> closing = ConcurrentHashMap.newKeySet();

  public Upstreams(EventLoopGroup group, Transports transports) {
    this.group = group;
    this.transports = transports;
    this.resolver =
        new DnsAddressResolverGroup(
            new DnsNameResolverBuilder().datagramChannelType(transports.datagramChannel()));
    try {
      this.sslContext =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .endpointIdentificationAlgorithm("HTTPS")
              .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot create the TLS client context", e);
    }
  }

  /** A new endpoint (with its own pools) for the address of {@code target}. */
  public UpstreamEndpoint endpoint(S3Target target, UpstreamConfig settings) {
    int loops = Math.max(1, executorCount());
    int perLoop = Math.max(1, (settings.maxConnectionsPerEndpoint() + loops - 1) / loops);
    long connectMillis = settings.connectTimeout().toMillis();
    Bootstrap template =
        transports
            .connectionOptions(new Bootstrap())
            .group(group)
            .channel(transports.socketChannel())
            .resolver(resolver)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, connectMillis))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true);
    UpstreamEndpoint endpoint =
        new UpstreamEndpoint(
            target.connectHost(),
            target.port(),
            target.tls() ? sslContext : null,
            template,
            perLoop,
            connectMillis,
            settings.bodyIdleTimeout().toMillis(),
            settings.idleConnectionTimeout().toMillis(),
            new CircuitBreaker(settings.circuitBreaker(), System::nanoTime),
            this::closed);
    open.add(endpoint);
    return endpoint;
  }

  private void closed(UpstreamEndpoint endpoint) {
    open.remove(endpoint);
    closing.removeIf(UpstreamEndpoint::connectionsClosed);
    closing.add(endpoint);
  }

  /**
   * Closes every endpoint still open and waits, up to {@code timeoutMillis}, until the connections
   * of every closed endpoint are closed. Call it before the event loops shut down.
   *
   * @return whether everything closed in time
   */
  public boolean closeEndpoints(long timeoutMillis) {
    for (UpstreamEndpoint endpoint : open) {
      endpoint.close();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    boolean done = true;
    for (UpstreamEndpoint endpoint : closing) {
      done &= endpoint.awaitClosed(deadline);
    }
    closing.clear();
    return done;
  }

  private int executorCount() {
    int n = 0;
    for (var ignored : group) {
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    resolver.close();
  }
}
