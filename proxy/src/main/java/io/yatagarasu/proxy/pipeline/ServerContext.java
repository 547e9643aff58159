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

  public ServerContext(SnapshotManager snapshots, ProxyMetrics metrics) {
    this.snapshots = snapshots;
    this.metrics = metrics;
    this.noBucket = metrics.bucket(ProxyMetrics.NO_BUCKET);
  }

  /** The snapshot in force, retained for one request, or {@code null} before the first. */
  ProxySnapshot acquire() {
    return snapshots.acquire();
  }

  /** The data listener's settings in force, for a new connection. */
  ServerConfig serverSettings(ServerConfig fallback) {
    ProxySnapshot snapshot = snapshots.current();
    return snapshot == null ? fallback : snapshot.config().server();
  }

  void started() {
    metrics.requestStarted();
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
        info, bucket, meters, status, bytesSent, upstreamStatus, upstreamMicros, error, null, null);
  }

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
      String issuer) {
    long nanos = System.nanoTime() - info.startNanos();
    metrics.requestFinished();
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
            issuer));
  }
}
