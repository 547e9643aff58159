package io.yatagarasu.proxy;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.SnapshotManager.ApplyResult;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the standalone configuration file when it changes and on demand (SIGHUP). It watches the
 * file's directory rather than the file, so an atomic rename and Kubernetes' {@code ..data} symlink
 * swap of a mounted Secret or ConfigMap are seen; a burst of events becomes one reload.
 */
public final class ConfigFileWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigFileWatcher.class);

  private final Path file;
  private final SnapshotManager snapshots;
  private final Environment environment;
  private final Duration debounce;
  private final ScheduledExecutorService scheduler;
  private final WatchService watcher;
  private final Thread watchThread;
  private ScheduledFuture<?> pending;
  private volatile String lastDigest;

  public ConfigFileWatcher(
      Path file, SnapshotManager snapshots, Environment environment, Duration debounce)
      throws IOException {
    this.file = file.toAbsolutePath();
    this.snapshots = snapshots;
    this.environment = environment;
    this.debounce = debounce;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "yatagarasu-config-reload");
              t.setDaemon(true);
              return t;
            });
    this.watcher = FileSystems.getDefault().newWatchService();
    this.file
        .getParent()
        .register(
            watcher,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
    this.lastDigest = digest();
    this.watchThread = new Thread(this::watch, "yatagarasu-config-watch");
    this.watchThread.setDaemon(true);
    this.watchThread.start();
  }

  /** Reloads after the debounce delay; further requests meanwhile are folded into it. */
  public synchronized void requestReload(String reason) {
    requestReload(reason, true);
  }

  private synchronized void requestReload(String reason, boolean evenIfUnchanged) {
    if (pending != null && !pending.isDone()) {
      return;
    }
    pending =
        scheduler.schedule(
            () -> {
              if (evenIfUnchanged || fileChanged()) {
                reload(reason);
              } else {
                synchronized (this) {
                  pending = null;
                }
              }
            },
            debounce.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** Reads and applies the file now; a broken file is logged and counted, never applied. */
  public ApplyResult reload(String reason) {
    synchronized (this) {
      pending = null;
    }
    lastDigest = digest();
    ConfigDocument document;
    try {
      document = new ConfigParser(environment).loadDocument(file);
    } catch (ConfigException e) {
      LOG.error(
          "configuration reload failed file={} reason={}; the current configuration keeps"
              + " serving:\n  {}",
          file,
          reason,
          String.join("\n  ", e.errors()));
      return snapshots.rejectedDocument(e.errors(), "file");
    }
    ApplyResult result = snapshots.apply(document, OptionalLong.empty(), "file");
    LOG.info(
        "configuration reload file={} reason={} result={} generation={}",
        file,
        reason,
        result.status().word(),
        result.generation());
    return result;
  }

  /** Whether the file's bytes differ from those last loaded. */
  private boolean fileChanged() {
    String now = digest();
    return now == null || !now.equals(lastDigest);
  }

  private String digest() {
    try {
      byte[] bytes = java.nio.file.Files.readAllBytes(file);
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      return null;
    }
  }

  private void watch() {
    try {
      for (; ; ) {
        WatchKey key = watcher.take();
        if (!key.pollEvents().isEmpty()) {
          // Other files in the directory change too (logs, other mounts): only a change of the
          // configuration's own bytes is a reason to reload; SIGHUP always reloads.
          requestReload("file changed", false);
        }
        if (!key.reset()) {
          LOG.error("cannot watch {} any more; reload with SIGHUP", file.getParent());
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service failed: {}", e.toString());
    }
    watchThread.interrupt();
    scheduler.shutdownNow();
  }
}
