package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.proxy.pipeline.Upstreams;
import io.yatagarasu.proxy.routing.RoutingTable;
import io.yatagarasu.proxy.s3.CredentialSource;
import io.yatagarasu.proxy.s3.S3Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One immutable, fully built configuration: the routing table and every object derived from the
 * document. A request reads the current snapshot once and uses it to the end.
 */
public final class ProxySnapshot implements AutoCloseable {
  private final ProxyConfig config;
  private final String hash;
  private final RoutingTable<BucketRoute> routes;
  private final List<UpstreamEndpoint> endpoints;
  private final List<CredentialSource> credentialSources;

  private ProxySnapshot(
      ProxyConfig config,
      RoutingTable<BucketRoute> routes,
      List<UpstreamEndpoint> endpoints,
      List<CredentialSource> credentialSources) {
    this.config = config;
    this.hash = ConfigWriter.contentHash(config);
    this.routes = routes;
    this.endpoints = List.copyOf(endpoints);
    this.credentialSources = List.copyOf(credentialSources);
  }

  /** Builds every derived object off to the side; nothing is published here. */
  public static ProxySnapshot build(
      ProxyConfig config, Upstreams upstreams, Executor blockingExecutor) {
    requireNonNull(config, "config");
    Map<String, UpstreamEndpoint> endpointsByAddress = new HashMap<>();
    List<CredentialSource> sources = new ArrayList<>();
    List<BucketRoute> routes = new ArrayList<>();
    for (BucketConfig bucket : config.buckets()) {
      S3Target target = S3Target.of(bucket);
      UpstreamEndpoint endpoint =
          endpointsByAddress.computeIfAbsent(
              target.endpointKey(), k -> upstreams.endpoint(target, config.upstream()));
      CredentialSource credentials =
          CredentialSource.of(bucket.s3().credentials(), blockingExecutor);
      sources.add(credentials);
      routes.add(new BucketRoute(bucket, target, credentials, endpoint));
    }
    return new ProxySnapshot(
        config,
        new RoutingTable<>(routes, BucketRoute::pathPrefix),
        List.copyOf(endpointsByAddress.values()),
        sources);
  }

  public ProxyConfig config() {
    return config;
  }

  public String hash() {
    return hash;
  }

  public RoutingTable<BucketRoute> routes() {
    return routes;
  }

  /** Open upstream connections across every endpoint of this snapshot. */
  public int openUpstreamConnections() {
    int n = 0;
    for (UpstreamEndpoint e : endpoints) {
      n += e.openConnections();
    }
    return n;
  }

  @Override
  public void close() {
    endpoints.forEach(UpstreamEndpoint::close);
    credentialSources.forEach(CredentialSource::close);
  }
}
