package io.yatagarasu.proxy.pipeline;

import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.metrics.ProxyMetrics;

/**
 * What every connection handler shares: the snapshot manager and the metrics. Every request ends in
 * {@link #completed}, exactly once, which writes its access-log line and records its metrics.
 */
public final class ServerContext {
  private final SnapshotManager snapshots;
  private final ProxyMetrics metrics;
  private final ProxyMetrics.BucketMeters noBucket;
  private final RetryBudget retryBudget = new RetryBudget();
  private final RequestPath requestPath;
  private final io.yatagarasu.proxy.cache.ObjectCache cache;
  private final io.netty.channel.group.ChannelGroup connections =
      new io.netty.channel.group.DefaultChannelGroup(
          io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  public ServerContext(SnapshotManager snapshots, ProxyMetrics metrics) {
    this(snapshots, metrics, null);
  }

  /** A context whose requests use {@code cache} (null: no object cache). */
  public ServerContext(
      SnapshotManager snapshots,
      ProxyMetrics metrics,
      io.yatagarasu.proxy.cache.ObjectCache cache) {
    this.cache = cache;
    this.snapshots = snapshots;
    this.metrics = metrics;
    this.noBucket = metrics.bucket(ProxyMetrics.NO_BUCKET);
    this.requestPath = new RequestPath(this);
  }

  /** The object cache, or null when the server has none. */
  io.yatagarasu.proxy.cache.ObjectCache cache() {
    return cache;
  }

  /** The stages every request passes through once its connection has read it. */
  RequestPath requestPath() {
    return requestPath;
  }

  /** The snapshot in force, retained for one request, or {@code null} before the first. */
  ProxySnapshot acquire() {
    return snapshots.acquire();
  }

  /** The snapshot in force, not retained: for reading settings only. */
  ProxySnapshot current() {
    return snapshots.current();
  }

  /** The data listener's settings in force, for a new connection. */
  ServerConfig serverSettings(ServerConfig fallback) {
    ProxySnapshot snapshot = snapshots.current();
    return snapshot == null ? fallback : snapshot.config().server();
  }

  /** Client connections, so that a shutdown can close the idle ones and cut the rest. */
  void track(io.netty.channel.Channel channel) {
    connections.add(channel);
  }

  /** The open client connections. */
  public io.netty.channel.group.ChannelGroup connections() {
    return connections;
  }

  /** Counts a request in; false when the proxy is at {@code server.maxConcurrentRequests}. */
  boolean tryStart(int maxConcurrentRequests) {
    metrics.requestStarted();
    return inFlight.incrementAndGet() <= maxConcurrentRequests;
  }

  /** Requests being answered now. */
  public int inFlight() {
    return inFlight.get();
  }

  RetryBudget retryBudget() {
    return retryBudget;
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  void completed(
      ProxyFrontendHandler.RequestInfo info,
      String bucket,
      ProxyMetrics.BucketMeters meters,
      int status,
      long bytesSent,
      int upstreamStatus,
      long upstreamMicros,
      String error) {
    completed(
        info,
        bucket,
        meters,
        status,
        bytesSent,
        upstreamStatus,
        upstreamMicros,
        error,
        null,
        null,
        null,
        null);
  }

  /**
   * Records a finished request. {@code client} is the address the bucket's checks used (null when
   * the request never reached them); the connection's peer comes from {@code info}.
   */
  void completed(
      ProxyFrontendHandler.RequestInfo info,
      String bucket,
      ProxyMetrics.BucketMeters meters,
      int status,
      long bytesSent,
      int upstreamStatus,
      long upstreamMicros,
      String error,
      String subject,
      String issuer,
      String client,
      io.opentelemetry.api.trace.Span span) {
    long nanos = System.nanoTime() - info.startNanos();
    metrics.requestFinished();
    inFlight.decrementAndGet();
    (meters == null ? noBucket : meters).request(info.head(), status, bytesSent, nanos);
    ProxySnapshot snapshot = snapshots.current();
    LoggingConfig logging =
        snapshot == null ? LoggingConfig.defaults() : snapshot.config().logging();
    if (!logging.accessLog() || !AccessLog.enabled()) {
      return;
    }
    AccessLog.log(
        logging.format(),
        new AccessLog.Entry(
            info.requestId(),
            client,
            info.client(),
            info.method(),
            info.rawPath(),
            bucket,
            status,
            bytesSent,
            nanos / 1000,
            upstreamStatus,
            upstreamMicros,
            error,
            subject,
            issuer,
            span == null ? null : span.getSpanContext().getTraceId(),
            span == null ? null : span.getSpanContext().getSpanId()));
  }
}
