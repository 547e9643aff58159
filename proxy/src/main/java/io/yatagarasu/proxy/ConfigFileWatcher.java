package io.yatagarasu.proxy;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.SnapshotManager.ApplyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the standalone configuration file when it, or a file it reads through {@code
 * ${file:...}}, changes, and on demand (SIGHUP). It watches the directories of those files rather
 * than the files, so an atomic rename and Kubernetes' {@code ..data} symlink swap of a mounted
 * Secret or ConfigMap are seen; a burst of events becomes one reload. A file-change request only
 * reloads when the bytes read differ; SIGHUP always reloads, even while a file-change request is
 * pending.
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
  private final Map<Path, WatchKey> watched = new HashMap<>();
  private ScheduledFuture<?> pending;
  private boolean pendingForced;
  private String pendingReason;
  private volatile Set<Path> referenced = Set.of();
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
    watch(this.file.getParent());
    // Learn which files the document reads, so that their directories are watched too.
    RecordingEnvironment recording = new RecordingEnvironment(environment);
    try {
      new ConfigParser(recording).loadDocument(this.file);
    } catch (ConfigException e) {
      // The caller applied this file already; a file that broke since is reported on reload.
    }
    track(recording.files(), null);
    this.watchThread = new Thread(this::watch, "yatagarasu-config-watch");
    this.watchThread.setDaemon(true);
    this.watchThread.start();
  }

  /** Reloads after the debounce delay, whether the files changed or not (SIGHUP). */
  public void requestReload(String reason) {
    requestReload(reason, true);
  }

  /**
   * Schedules one reload; requests meanwhile fold into it. A forced request turns a pending
   * file-change request into a forced one, so it is never lost.
   */
  private synchronized void requestReload(String reason, boolean force) {
    if (force || pendingReason == null) {
      pendingReason = reason;
    }
    pendingForced |= force;
    if (pending != null && !pending.isDone()) {
      return;
    }
    pending = scheduler.schedule(this::runPending, debounce.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runPending() {
    boolean force;
    String reason;
    synchronized (this) {
      force = pendingForced;
      reason = pendingReason;
      pending = null;
      pendingForced = false;
      pendingReason = null;
    }
    if (force || filesChanged()) {
      reload(reason);
    }
  }

  /** Whether a reload is scheduled and has not started yet. */
  synchronized boolean reloadPending() {
    return pending != null && !pending.isDone();
  }

  /** The files the configuration read through {@code ${file:...}} when it was last loaded. */
  Set<Path> referencedFiles() {
    return referenced;
  }

  /** Reads and applies the file now; a broken file is logged and counted, never applied. */
  public ApplyResult reload(String reason) {
    // The bytes as they are before the load: a file that changes while it is read is then seen
    // as changed at its next event, and loaded again.
    String before = digest();
    RecordingEnvironment recording = new RecordingEnvironment(environment);
    ConfigDocument document;
    try {
      document = new ConfigParser(recording).loadDocument(file);
    } catch (ConfigException e) {
      track(recording.files(), before);
      LOG.error(
          "configuration reload failed file={} reason={}; the current configuration keeps"
              + " serving:\n  {}",
          file,
          reason,
          String.join("\n  ", e.errors()));
      return snapshots.rejectedDocument(e.errors(), "file");
    }
    track(recording.files(), before);
    ApplyResult result = snapshots.apply(document, OptionalLong.empty(), "file");
    LOG.info(
        "configuration reload file={} reason={} result={} generation={}",
        file,
        reason,
        result.status().word(),
        result.generation());
    return result;
  }

  /**
   * Watches the directories of the files a load read, and remembers their bytes as they were when
   * the load began ({@code digest}, or as they are now when null); a load that read other files
   * than the last one is followed by at most one reload that finds nothing new.
   */
  private synchronized void track(Set<Path> files, String digest) {
    referenced = Set.copyOf(files);
    Set<Path> directories = new TreeSet<>();
    directories.add(file.getParent());
    files.forEach(f -> directories.add(f.getParent()));
    for (Path directory : Set.copyOf(watched.keySet())) {
      if (!directories.contains(directory)) {
        watched.remove(directory).cancel();
      }
    }
    directories.forEach(this::watch);
    lastDigest = digest != null ? digest : digest();
  }

  private synchronized void watch(Path directory) {
    if (directory == null || watched.containsKey(directory)) {
      return;
    }
    try {
      watched.put(
          directory,
          directory.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE));
    } catch (IOException e) {
      LOG.warn(
          "cannot watch {} ({}); reload with SIGHUP after changing files there",
          directory,
          e.toString());
    }
  }

  /** Whether the bytes of the file or of a file it reads differ from those last loaded. */
  private boolean filesChanged() {
    String now = digest();
    return now == null || !now.equals(lastDigest);
  }

  private String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(file));
      for (Path f : new TreeSet<>(referenced)) {
        sha.update(f.toString().getBytes(StandardCharsets.UTF_8));
        try {
          sha.update((byte) 1);
          sha.update(Files.readAllBytes(f));
        } catch (IOException e) {
          sha.update((byte) 0);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      return null;
    }
  }

  private void watch() {
    try {
      for (; ; ) {
        WatchKey key = watcher.take();
        if (!key.pollEvents().isEmpty()) {
          // Other files in these directories change too (logs, other mounts): only a change of
          // the bytes the configuration reads is a reason to reload; SIGHUP always reloads.
          requestReload("file changed", false);
        }
        if (!key.reset()) {
          synchronized (this) {
            watched.values().remove(key);
          }
          LOG.warn("stopped watching {}; reload with SIGHUP after changes there", key.watchable());
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

  /** Passes every look-up through and notes the absolute path of every file read. */
  private static final class RecordingEnvironment implements Environment {
    private final Environment delegate;
    private final Set<Path> files = new TreeSet<>();

    RecordingEnvironment(Environment delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<String> variable(String name) {
      return delegate.variable(name);
    }

    @Override
    public String readFile(Path path) throws IOException {
      synchronized (files) {
        files.add(path.toAbsolutePath().normalize());
      }
      return delegate.readFile(path);
    }

    Set<Path> files() {
      synchronized (files) {
        return Set.copyOf(files);
      }
    }
  }
}
