package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.auth.ClientAddresses;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.auth.JwtVerifier;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.proxy.pipeline.Upstreams;
import io.yatagarasu.proxy.ratelimit.RateLimiters;
import io.yatagarasu.proxy.routing.RoutingTable;
import io.yatagarasu.proxy.s3.CredentialSource;
import io.yatagarasu.proxy.s3.S3Target;
import io.yatagarasu.proxy.tracing.ProxyTracer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One immutable, fully built configuration: the routing table and every object derived from the
 * document. A request retains the snapshot it started with and releases it at its end; a retired
 * snapshot closes what only it used (the pools of removed endpoints) once its last request ends.
 */
public final class ProxySnapshot {
  private final ProxyConfig config;
  private final String hash;
  private final RoutingTable<BucketRoute> routes;
  private final Map<String, UpstreamEndpoint> endpoints;
  private final JwtVerifier jwt;
  private final RateLimiters.Limits limits;
  private final ClientAddresses clientAddresses;
  private final ProxyTracer tracer;
  private final Instant builtAt = Instant.now();
  // One reference belongs to the holder while the snapshot is current; each request holds one.
  private final AtomicInteger refs = new AtomicInteger(1);
  private volatile long generation;
  private volatile String source;
  private volatile List<UpstreamEndpoint> closeWhenDrained = List.of();
  private volatile ProxyTracer shutDownWhenDrained;

  private ProxySnapshot(
      ProxyConfig config,
      String hash,
      long generation,
      String source,
      RoutingTable<BucketRoute> routes,
      Map<String, UpstreamEndpoint> endpoints,
      JwtVerifier jwt,
      RateLimiters.Limits limits,
      ProxyTracer tracer) {
    this.config = config;
    this.tracer = tracer;
    this.jwt = jwt;
    this.limits = limits;
    this.clientAddresses = new ClientAddresses(config.server().trustedProxies());
    this.hash = hash;
    this.generation = generation;
    this.source = source;
    this.routes = routes;
    this.endpoints = Map.copyOf(endpoints);
  }

  /** What snapshots are built with: shared by every snapshot of one running proxy. */
  public record Services(
      Upstreams upstreams,
      CredentialSource defaultChain,
      ProxyMetrics metrics,
      JwksRegistry jwks,
      LongSupplier clock,
      RateLimiters rateLimiters) {
    public Services {
      requireNonNull(rateLimiters, "rateLimiters");
      requireNonNull(upstreams, "upstreams");
      requireNonNull(defaultChain, "defaultChain");
      requireNonNull(metrics, "metrics");
      requireNonNull(jwks, "jwks");
      requireNonNull(clock, "clock");
    }

    /** Services with rate limiters of their own. */
    public Services(
        Upstreams upstreams,
        CredentialSource defaultChain,
        ProxyMetrics metrics,
        JwksRegistry jwks,
        LongSupplier clock) {
      this(upstreams, defaultChain, metrics, jwks, clock, new RateLimiters(System::nanoTime));
    }
  }

  /**
   * Builds every derived object off to the side; nothing is published here. Endpoints of {@code
   * previous} with the same address and settings are reused, so their warm connections carry over.
   *
   * @throws IllegalArgumentException naming the setting that cannot be built (a key that does not
   *     load)
   */
  public static ProxySnapshot build(
      ProxyConfig config,
      long generation,
      String source,
      ProxySnapshot previous,
      Services services) {
    return build(config, ConfigWriter.contentHash(config), generation, source, previous, services);
  }

  /** Like {@link #build}, with the content hash the caller already computed. */
  static ProxySnapshot build(
      ProxyConfig config,
      String hash,
      long generation,
      String source,
      ProxySnapshot previous,
      Services services) {
    requireNonNull(config, "config");
    Upstreams upstreams = services.upstreams();
    ProxyMetrics metrics = services.metrics();
    JwtVerifier jwt = JwtVerifier.build(config.jwt(), services.jwks(), services.clock());
    Map<String, UpstreamEndpoint> reusable = previous == null ? Map.of() : previous.endpoints;
    Map<String, UpstreamEndpoint> endpoints = new HashMap<>();
    List<BucketRoute> routes = new ArrayList<>();
    // The tracer carries over unless its settings changed: spans in flight keep their exporter.
    ProxyTracer tracer =
        previous != null && previous.tracer.config().equals(config.tracing())
            ? previous.tracer
            : ProxyTracer.build(config.tracing(), System.getenv());
    try {
      for (BucketConfig bucket : config.buckets()) {
        List<io.yatagarasu.config.S3Target> targets = new ArrayList<>();
        targets.add(bucket.s3());
        targets.addAll(bucket.s3().replicas());
        List<BucketRoute.Upstream> chain = new ArrayList<>();
        for (io.yatagarasu.config.S3Target s3 : targets) {
          S3Target target = S3Target.of(s3);
          UpstreamConfig settings = config.upstreamFor(bucket);
          String key = target.endpointKey() + " " + settings;
          UpstreamEndpoint endpoint = endpoints.get(key);
          if (endpoint == null) {
            endpoint = reusable.get(key);
            if (endpoint == null) {
              endpoint = upstreams.endpoint(target, settings);
              metrics.circuitState(endpoint.name(), endpoint.breaker(), b -> b.state().code());
            }
            endpoints.put(key, endpoint);
          }
          CredentialSource credentials =
              s3.credentials() == null
                  ? services.defaultChain()
                  : CredentialSource.of(s3.credentials());
          chain.add(new BucketRoute.Upstream(target, credentials, endpoint));
        }
        routes.add(
            new BucketRoute(bucket, chain, metrics.bucket(bucket.name()), BucketPolicy.of(bucket)));
      }
      RoutingTable<BucketRoute> table = new RoutingTable<>(routes, BucketRoute::pathPrefix);
      return new ProxySnapshot(
          config,
          hash,
          generation,
          source,
          table,
          endpoints,
          jwt,
          services.rateLimiters().forConfig(config),
          tracer);
    } catch (RuntimeException e) {
      if (previous == null || tracer != previous.tracer) {
        tracer.shutdown();
      }
      for (UpstreamEndpoint created : endpoints.values()) {
        if (!reusable.containsValue(created)) {
          created.close();
        }
      }
      throw e;
    }
  }

  public ProxyConfig config() {
    return config;
  }

  public String hash() {
    return hash;
  }

  public long generation() {
    return generation;
  }

  /** Where the configuration came from: {@code file} or {@code admin}. */
  public String source() {
    return source;
  }

  public Instant builtAt() {
    return builtAt;
  }

  public RoutingTable<BucketRoute> routes() {
    return routes;
  }

  /** The rate limiters of this configuration. */
  public RateLimiters.Limits limits() {
    return limits;
  }

  /** Verifies tokens for this configuration's issuers. */
  public JwtVerifier jwt() {
    return jwt;
  }

  /** Finds a request's client address, believing X-Forwarded-For only from trusted proxies. */
  public ClientAddresses clientAddresses() {
    return clientAddresses;
  }

  /** Makes the spans of this configuration's requests; {@link ProxyTracer#OFF} when off. */
  public ProxyTracer tracer() {
    return tracer;
  }

  /** Open upstream connections across every endpoint of this snapshot. */
  public int openUpstreamConnections() {
    int n = 0;
    for (UpstreamEndpoint e : endpoints.values()) {
      n += e.openConnections();
    }
    return n;
  }

  /** The same content was applied again under a newer generation. */
  void adopt(long newerGeneration, String newSource) {
    this.generation = newerGeneration;
    this.source = newSource;
  }

  /**
   * Takes a reference for one request (or for work that outlives it, such as a shared cache fill);
   * false when the snapshot is already closed. A true return must be paired with {@link
   * #release()}.
   */
  public boolean tryRetain() {
    for (; ; ) {
      int n = refs.get();
      if (n == 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives a reference back; the last one of a retired snapshot closes what only it used. */
  public void release() {
    if (refs.decrementAndGet() == 0) {
      closeWhenDrained.forEach(UpstreamEndpoint::close);
      ProxyTracer replaced = shutDownWhenDrained;
      if (replaced != null) {
        replaced.shutdown();
      }
    }
  }

  /** No longer current: closes endpoints that {@code successor} does not use, once drained. */
  void retire(ProxySnapshot successor) {
    List<UpstreamEndpoint> unused = new ArrayList<>();
    for (UpstreamEndpoint endpoint : endpoints.values()) {
      if (successor == null || !successor.endpoints.containsValue(endpoint)) {
        unused.add(endpoint);
      }
    }
    closeWhenDrained = List.copyOf(unused);
    if (successor == null || successor.tracer != tracer) {
      shutDownWhenDrained = tracer;
    }
    release();
  }

  /** Requests still using this snapshot (and 1 while it is current). */
  int references() {
    return refs.get();
  }
}
