package io.yatagarasu.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Every meter of the proxy, in one place, named under {@code yatagarasu_}. Tag values are bounded:
 * bucket names from the configuration (or {@code none}), methods, status classes, fixed kinds.
 */
public final class ProxyMetrics {
  /** The bucket tag of requests that matched no bucket. */
  public static final String NO_BUCKET = "none";

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final PrometheusMeterRegistry registry;
  private final Map<String, BucketMeters> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong lastAppliedEpochMillis = new AtomicLong();
  private final MultiGauge configInfo;
  private final Map<String, Counter> applies = new ConcurrentHashMap<>();
  private final Counter tlsHandshakeFailures;
  private final Map<String, Counter> http2GoAways = new ConcurrentHashMap<>();
  private final CacheMeters cache;
  private final AtomicLong tlsNotAfterEpochSeconds = new AtomicLong();
  private final AtomicLong tlsLoadedAtEpochMillis = new AtomicLong();
  private final Map<String, Counter> tlsReloads = new ConcurrentHashMap<>();
  private MultiGauge tlsCertificateInfo;

  public ProxyMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
    // Netty 4.2's default allocator, the adaptive one, is neither of the two above; the channels
    // use it over epoll and NIO (the pooled one over io_uring), and without this its memory would
    // be in no metric.
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider used
        && used != PooledByteBufAllocator.DEFAULT
        && used != UnpooledByteBufAllocator.DEFAULT) {
      new NettyAllocatorMetrics(used).bindTo(registry);
    }

    Gauge.builder("yatagarasu.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Requests being answered now")
        .register(registry);
    Gauge.builder("yatagarasu.config.generation", generation, AtomicLong::get)
        .description("Generation of the configuration in force")
        .register(registry);
    Gauge.builder(
            "yatagarasu.config.last.applied.timestamp",
            lastAppliedEpochMillis,
            v -> v.get() / 1000.0)
        .description("When a configuration was last applied, in seconds since the epoch")
        .baseUnit("seconds")
        .register(registry);
    this.tlsHandshakeFailures =
        Counter.builder("yatagarasu.tls.handshake.failures")
            .description("TLS handshakes on the data listener that failed")
            .register(registry);
    this.configInfo =
        MultiGauge.builder("yatagarasu.config.info")
            .description("The content hash of the configuration in force (value 1)")
            .register(registry);
    this.cache = new CacheMeters(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** The meters of one bucket; the same object for the same name across configurations. */
  public BucketMeters bucket(String name) {
    return buckets.computeIfAbsent(name, n -> new BucketMeters(registry, n));
  }

  /** The object cache's meters. */
  public CacheMeters cache() {
    return cache;
  }

  /** A TLS handshake on the data listener failed. */
  public void tlsHandshakeFailure() {
    tlsHandshakeFailures.increment();
  }

  /**
   * The proxy sent an HTTP/2 GOAWAY with {@code code} ({@code NO_ERROR} on a graceful close, {@code
   * ENHANCE_YOUR_CALM} or {@code PROTOCOL_ERROR} when it cut an abusive or broken connection).
   */
  public void http2GoAway(String code) {
    http2GoAways
        .computeIfAbsent(
            code,
            c ->
                Counter.builder("yatagarasu.http2.goaway")
                    .description("HTTP/2 connections the proxy closed with a GOAWAY, by error code")
                    .tag("code", c)
                    .register(registry))
        .increment();
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestFinished() {
    inFlight.decrementAndGet();
  }

  /** Counts open upstream connections as they are at each scrape. */
  public void upstreamConnections(IntSupplier open) {
    Gauge.builder("yatagarasu.upstream.connections", open::getAsInt)
        .description("Open connections to S3, idle or in use")
        .register(registry);
  }

  /**
   * The state of one endpoint's circuit breaker (0 closed, 1 half-open, 2 open), read at each
   * scrape; the gauge holds the breaker weakly, so a removed endpoint's gauge goes away with it.
   * The newest endpoint of a name replaces the gauge of an earlier one: an endpoint removed by one
   * configuration and added again by a later one (a bucket moved back to an earlier S3 address)
   * would otherwise keep the gauge of its first breaker, stale or, once collected, not a number.
   */
  public <T> void circuitState(
      String endpoint, T breaker, java.util.function.ToDoubleFunction<T> state) {
    registry
        .find("yatagarasu.upstream.circuit.state")
        .tag("endpoint", endpoint)
        .meters()
        .forEach(registry::remove);
    Gauge.builder("yatagarasu.upstream.circuit.state", breaker, state)
        .description("Circuit breaker state per S3 endpoint: 0 closed, 1 half-open, 2 open")
        .tag("endpoint", endpoint)
        .register(registry);
  }

  /** Records an attempt to apply a configuration. */
  public void configApply(String result, String source) {
    applies
        .computeIfAbsent(
            result + "/" + source,
            k ->
                Counter.builder("yatagarasu.config.applies")
                    .description("Configuration apply attempts by result and source")
                    .tag("result", result)
                    .tag("source", source)
                    .register(registry))
        .increment();
  }

  /** Records the configuration now in force. */
  public void configApplied(long newGeneration, String hash) {
    generation.set(newGeneration);
    lastAppliedEpochMillis.set(System.currentTimeMillis());
    configInfo.register(List.of(MultiGauge.Row.of(Tags.of("hash", hash), 1)), true);
  }

  /**
   * The data listener started presenting a certificate (at start and after each reload). The TLS
   * meters exist only once a certificate was loaded, so a proxy without TLS never reports an expiry
   * of 0.
   */
  public synchronized void tlsCertificateLoaded(
      String serialNumber, String sha256, Instant notAfter, Instant loadedAt) {
    tlsNotAfterEpochSeconds.set(notAfter.getEpochSecond());
    tlsLoadedAtEpochMillis.set(loadedAt.toEpochMilli());
    if (tlsCertificateInfo == null) {
      Gauge.builder(
              "yatagarasu.tls.certificate.expiry.timestamp",
              tlsNotAfterEpochSeconds,
              AtomicLong::doubleValue)
          .description(
              "notAfter of the certificate the data listener presents, in seconds since the epoch")
          .baseUnit("seconds")
          .register(registry);
      Gauge.builder(
              "yatagarasu.tls.certificate.loaded.timestamp",
              tlsLoadedAtEpochMillis,
              v -> v.get() / 1000.0)
          .description(
              "When the data listener's certificate was last loaded, in seconds since the epoch")
          .baseUnit("seconds")
          .register(registry);
      tlsCertificateInfo =
          MultiGauge.builder("yatagarasu.tls.certificate.info")
              .description(
                  "Serial number and SHA-256 fingerprint of the certificate the data listener"
                      + " presents (value 1)")
              .register(registry);
    }
    tlsCertificateInfo.register(
        List.of(MultiGauge.Row.of(Tags.of("serial", serialNumber, "sha256", sha256), 1)), true);
    tlsReload("loaded");
  }

  /** Changed certificate files could not be loaded; the previous certificate stays. */
  public void tlsCertificateReloadFailed() {
    tlsReload("failed");
  }

  private void tlsReload(String result) {
    tlsReloads
        .computeIfAbsent(
            result,
            r ->
                Counter.builder("yatagarasu.tls.certificate.reloads")
                    .description(
                        "Loads of the data listener's certificate files (loaded) and changed files"
                            + " that could not be loaded (failed)")
                    .tag("result", r)
                    .register(registry))
        .increment();
  }

  /** The meters of one bucket, created once so that the request path only increments. */
  public static final class BucketMeters {
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private final MeterRegistry registry;
    private final String bucket;
    private final Timer[][] requests = new Timer[2][STATUS_CLASSES.length];
    private final Counter bytes;
    private final Timer upstreamLatency;
    private final Map<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> auth = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
    private final Map<String, Counter> failovers = new ConcurrentHashMap<>();

    BucketMeters(MeterRegistry registry, String bucket) {
      this.registry = registry;
      this.bucket = bucket;
      String[] methods = {"GET", "HEAD"};
      for (int m = 0; m < methods.length; m++) {
        for (int s = 0; s < STATUS_CLASSES.length; s++) {
          requests[m][s] =
              Timer.builder("yatagarasu.requests")
                  .description("Requests by bucket, method and status class")
                  .tag("bucket", bucket)
                  .tag("method", methods[m])
                  .tag("status", STATUS_CLASSES[s])
                  .serviceLevelObjectives(LATENCY_BUCKETS)
                  .register(registry);
        }
      }
      this.bytes =
          Counter.builder("yatagarasu.response.bytes")
              .description("Body bytes sent to clients")
              .baseUnit("bytes")
              .tag("bucket", bucket)
              .register(registry);
      this.upstreamLatency =
          Timer.builder("yatagarasu.upstream.latency")
              .description("Time from sending a request to S3 to its first response byte")
              .tag("bucket", bucket)
              .serviceLevelObjectives(LATENCY_BUCKETS)
              .register(registry);
    }

    /** A finished request; other methods than GET and HEAD count as GET (they got 405). */
    public void request(boolean head, int status, long bytesSent, long durationNanos) {
      int cls = Math.min(Math.max(status / 100, 1), 5) - 1;
      requests[head ? 1 : 0][cls].record(durationNanos, TimeUnit.NANOSECONDS);
      if (bytesSent > 0) {
        bytes.increment(bytesSent);
      }
    }

    public void upstreamLatency(long nanos) {
      upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * An upstream failure: connect, timeout, closed, closed_mid_body, broken, malformed, body_idle,
     * status_5xx, rejected, credentials, circuit_open.
     */
    public void upstreamError(String kind) {
      upstreamErrors
          .computeIfAbsent(
              kind,
              k ->
                  Counter.builder("yatagarasu.upstream.errors")
                      .description("Upstream failures by bucket and kind")
                      .tag("bucket", bucket)
                      .tag("kind", k)
                      .register(registry))
          .increment();
    }

    /** A retry of an upstream request, by reason (or {@code budget_exhausted} when refused). */
    public void retry(String reason) {
      retries
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder("yatagarasu.upstream.retries")
                      .description("Upstream retries by bucket and reason")
                      .tag("bucket", bucket)
                      .tag("reason", r)
                      .register(registry))
          .increment();
    }

    /** A request sent to a replica after its target failed. */
    public void failover(String reason) {
      failovers
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder("yatagarasu.upstream.failovers")
                      .description("Requests sent on to a replica, by bucket and reason")
                      .tag("bucket", bucket)
                      .tag("reason", r)
                      .register(registry))
          .increment();
    }

    /** A request refused by a rate limit of {@code scope}: global, bucket, client, subject. */
    public void rateLimited(String scope) {
      rateLimited
          .computeIfAbsent(
              scope,
              s ->
                  Counter.builder("yatagarasu.rate.limited")
                      .description("Requests refused by a rate limit, by bucket and scope")
                      .tag("bucket", bucket)
                      .tag("scope", s)
                      .register(registry))
          .increment();
    }

    /**
     * A refused request by the check that failed (missing, expired, audience, claims, ...): finer
     * than the {@code outcome} of {@link #auth}, counted beside it.
     */
    public void authFailure(String reason) {
      authFailures
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder("yatagarasu.auth.failures")
                      .description("Requests refused by authentication or access rules, by reason")
                      .tag("bucket", bucket)
                      .tag("reason", r)
                      .register(registry))
          .increment();
    }

    /** An authentication result: public, ok, missing, invalid, forbidden. */
    public void auth(String outcome) {
      auth.computeIfAbsent(
              outcome,
              o ->
                  Counter.builder("yatagarasu.auth")
                      .description("Authentication results by bucket and outcome")
                      .tag("bucket", bucket)
                      .tag("outcome", o)
                      .register(registry))
          .increment();
    }
  }
}
