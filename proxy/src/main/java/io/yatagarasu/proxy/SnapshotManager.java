package io.yatagarasu.proxy;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.TlsContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a configuration becomes current. Applying builds a whole new snapshot off to the
 * side and publishes it with one atomic set; a document that fails any step is rejected whole and
 * the current snapshot keeps serving. Same content is a no-op, an older generation is refused.
 */
public final class SnapshotManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotManager.class);

  private final AtomicReference<ProxySnapshot> current = new AtomicReference<>();
  private final ProxySnapshot.Services services;
  private final ProxyMetrics metrics;
  private final List<java.util.function.Consumer<ProxySnapshot>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** What became of a document. */
  public enum Status {
    APPLIED,
    UNCHANGED,
    STALE,
    REJECTED;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The outcome of {@link #apply}: the generation and hash now in force, or the errors. */
  public record ApplyResult(Status status, long generation, String hash, List<String> errors) {
    public ApplyResult {
      requireNonNull(status, "status");
      errors = List.copyOf(errors);
    }
  }

  public SnapshotManager(ProxySnapshot.Services services) {
    this.services = requireNonNull(services, "services");
    this.metrics = services.metrics();
  }

  /**
   * Runs {@code listener} with every snapshot that becomes current, right after it does (on the
   * applying thread, under the apply lock: keep it short and never let it throw).
   */
  public void onApplied(java.util.function.Consumer<ProxySnapshot> listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  /** The snapshot in force, for reading its settings; {@code null} before the first apply. */
  public ProxySnapshot current() {
    return current.get();
  }

  /**
   * The snapshot in force, retained for one request: the caller must {@link
   * ProxySnapshot#release()} it when the request ends. {@code null} before the first apply.
   */
  public ProxySnapshot acquire() {
    for (; ; ) {
      ProxySnapshot snapshot = current.get();
      if (snapshot == null || snapshot.tryRetain()) {
        return snapshot;
      }
    }
  }

  /**
   * Applies a document. The generation is {@code generation} when given, else the one the document
   * states, else one more than the current one.
   */
  public synchronized ApplyResult apply(
      ConfigDocument document, OptionalLong generation, String source) {
    ProxyConfig config = document.config();
    ProxySnapshot previous = current.get();
    long previousGeneration = previous == null ? 0 : previous.generation();
    OptionalLong stated = generation.isPresent() ? generation : document.generation();
    long next = stated.orElse(previousGeneration + 1);
    String hash = ConfigWriter.contentHash(config);
    if (previous != null && hash.equals(previous.hash())) {
      // Same content: nothing to build. A newer stated generation is adopted, so that a fleet
      // whose content went A, B, A reports the generation its operator last pushed.
      if (stated.isPresent() && next > previousGeneration) {
        previous.adopt(next, source);
        metrics.configApplied(next, hash);
      }
      metrics.configApply(Status.UNCHANGED.word(), source);
      return new ApplyResult(Status.UNCHANGED, previous.generation(), hash, List.of());
    }
    if (next <= previousGeneration) {
      metrics.configApply(Status.STALE.word(), source);
      LOG.warn(
          "configuration refused: generation {} is not newer than {} source={}",
          next,
          previousGeneration,
          source);
      return new ApplyResult(
          Status.STALE,
          previousGeneration,
          previous.hash(),
          List.of(
              "generation: "
                  + next
                  + " is not newer than the applied generation "
                  + previousGeneration));
    }
    List<String> errors = immutableSettings(previous, config);
    if (!errors.isEmpty()) {
      return rejected(errors, source, previous);
    }
    ProxySnapshot built;
    try {
      built = ProxySnapshot.build(config, hash, next, source, previous, services);
    } catch (RuntimeException e) {
      return rejected(List.of(String.valueOf(e.getMessage())), source, previous);
    }
    current.set(built);
    LogOutput.use(config.logging().format());
    if (previous != null) {
      previous.retire(built);
    }
    services.jwks().retainOnly(built.jwt().jwksInUse());
    for (var listener : listeners) {
      try {
        listener.accept(built);
      } catch (RuntimeException e) {
        LOG.warn("snapshot listener failed reason={}", e.toString());
      }
    }
    metrics.configApply(Status.APPLIED.word(), source);
    metrics.configApplied(next, hash);
    LOG.info(
        "configuration applied generation={} hash={} buckets={} source={}",
        next,
        hash,
        config.buckets().size(),
        source);
    return new ApplyResult(Status.APPLIED, next, hash, List.of());
  }

  /** Records a document that could not even be parsed. */
  public ApplyResult rejectedDocument(List<String> errors, String source) {
    return rejected(errors, source, current.get());
  }

  private ApplyResult rejected(List<String> errors, String source, ProxySnapshot previous) {
    metrics.configApply(Status.REJECTED.word(), source);
    LOG.warn(
        "configuration rejected source={} errors={}; the current configuration keeps serving",
        source,
        errors);
    return new ApplyResult(
        Status.REJECTED,
        previous == null ? 0 : previous.generation(),
        previous == null ? null : previous.hash(),
        errors);
  }

  /** Listeners are bound once: changing them needs a restart, so such a document is refused. */
  private static List<String> immutableSettings(ProxySnapshot previous, ProxyConfig next) {
    List<String> errors = new ArrayList<>();
    if (previous == null) {
      return errors;
    }
    ProxyConfig before = previous.config();
    if (!before.server().listen().equals(next.server().listen())) {
      errors.add("server.listen: cannot change while the proxy runs (restart to apply)");
    }
    if (before.server().transport() != next.server().transport()) {
      errors.add("server.transport: cannot change while the proxy runs (restart to apply)");
    }
    if ((before.server().tls() == null) != (next.server().tls() == null)) {
      errors.add("server.tls: cannot be turned on or off while the proxy runs (restart to apply)");
    }
    String tls = TlsContexts.problem(next.server().tls());
    if (tls != null) {
      errors.add(tls);
    }
    if (!before.admin().listen().equals(next.admin().listen())) {
      errors.add("admin.listen: cannot change while the proxy runs (restart to apply)");
    }
    return errors;
  }

  @Override
  public synchronized void close() {
    ProxySnapshot last = current.getAndSet(null);
    if (last != null) {
      last.retire(null);
    }
  }
}
