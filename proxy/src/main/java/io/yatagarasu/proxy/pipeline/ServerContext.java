package io.yatagarasu.proxy.pipeline;

import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.proxy.ProxySnapshot;
import java.util.function.Supplier;

/** What every connection handler shares: the current snapshot and the access log. */
public final class ServerContext {
  private final Supplier<ProxySnapshot> snapshots;

  public ServerContext(Supplier<ProxySnapshot> snapshots) {
    this.snapshots = snapshots;
  }

  /** The snapshot in force now, or {@code null} before the first one is applied. */
  public ProxySnapshot snapshot() {
    return snapshots.get();
  }

  void accessLog(
      ProxyFrontendHandler.RequestInfo info,
      String bucket,
      int status,
      long bytesSent,
      int upstreamStatus,
      long upstreamMicros,
      String error) {
    ProxySnapshot snapshot = snapshots.get();
    LoggingConfig logging =
        snapshot == null ? LoggingConfig.defaults() : snapshot.config().logging();
    if (!logging.accessLog() || !AccessLog.enabled()) {
      return;
    }
    long micros = (System.nanoTime() - info.startNanos()) / 1000;
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
            micros,
            upstreamStatus,
            upstreamMicros,
            error));
  }
}
