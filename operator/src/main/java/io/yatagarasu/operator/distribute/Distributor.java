package io.yatagarasu.operator.distribute;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.operator.render.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each fleet's latest snapshot to every running pod of the fleet and keeps each pod's
 * answer. Offers are debounced (a burst of changes becomes one push of the latest snapshot), a
 * generation older than the one already offered is ignored, a pod that acknowledged the snapshot is
 * not pushed again until it restarts, and failed pushes are retried with capped exponential backoff
 * and jitter. A pod that comes up (turns Ready, restarts, moves) while it waits for a retry is
 * pushed at once: the backoff only spares a pod that stays down. Every answer is reported to a
 * listener, which rewrites the fleet's status.
 */
public final class Distributor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Distributor.class);

  /**
   * The snapshot a fleet's pods should run.
   *
   * @param config the rendered configuration (holds credentials: never logged)
   * @param hash its content hash
   * @param generation its generation
   * @param token the fleet's admin token (never logged)
   * @param observedNanos {@link System#nanoTime()} when the change was observed
   */
  public record Desired(
      ProxyConfig config, String hash, long generation, String token, long observedNanos) {
    public Desired {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(hash, "hash");
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "Desired[generation=" + generation + ", hash=" + hash + "]";
    }
  }

  private final DistributorSettings settings;
  private final PushMetrics metrics;
  private final AdminClient client;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService builders;
  private final CertificateProbe certificates;
  private final Map<ObjectKey, Fleet> fleets = new ConcurrentHashMap<>();
  private volatile Consumer<ObjectKey> listener = fleet -> {};
  private volatile Events events = new Events() {};

  /** What happened to a fleet's pushes that a person should see (Kubernetes Events). */
  public interface Events {
    /** Pod {@code pod} refused generation {@code generation} with {@code errors}. */
    default void rejected(ObjectKey fleet, String pod, long generation, List<String> errors) {}

    /** Every one of the {@code pods} ready pods runs {@code generation}, after a change. */
    default void programmed(ObjectKey fleet, long generation, long pods) {}
  }

  public Distributor(DistributorSettings settings, PushMetrics metrics) {
    this(
        settings,
        metrics,
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "yatagarasu-distributor");
              t.setDaemon(true);
              return t;
            }));
  }

  /**
   * With the single thread that runs debounced flushes and retries: tests hold it to decide what a
   * flush finds. The distributor owns it and shuts it down on {@link #close()}.
   */
  Distributor(
      DistributorSettings settings, PushMetrics metrics, ScheduledExecutorService scheduler) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.client = new AdminClient(settings.timeout());
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.builders =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "yatagarasu-distributor-build");
              t.setDaemon(true);
              return t;
            });
    this.certificates = new CertificateProbe(client, settings.backoff(), scheduler);
  }

  /** Asks the fleets' pods which certificate they serve, through the same admin client. */
  public CertificateProbe certificates() {
    return certificates;
  }

  /** Called (on the distributor's thread) whenever a pod of the fleet answered. */
  public void onProgress(Consumer<ObjectKey> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Called (on the distributor's thread) when a pod rejects a snapshot or a fleet converges. */
  public void onEvents(Events events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * The fleet's latest snapshot (null to keep the one offered before) and its running pods. Pushes
   * happen after the debounce delay, to the pods that do not run the snapshot yet.
   */
  public void offer(ObjectKey key, Desired desired, List<PodTarget> pods) {
    Fleet fleet = fleets.computeIfAbsent(key, Fleet::new);
    synchronized (fleet) {
      if (desired != null) {
        if (fleet.desired == null || desired.generation() > fleet.desired.generation()) {
          long observed =
              fleet.desired != null && fleet.convergedGeneration < fleet.desired.generation()
                  ? fleet.desired.observedNanos()
                  : desired.observedNanos();
          fleet.desired =
              new Desired(
                  desired.config(),
                  desired.hash(),
                  desired.generation(),
                  desired.token(),
                  Math.min(observed, desired.observedNanos()));
          fleet.bodies.clear();
        } else if (desired.generation() == fleet.desired.generation()
            && !desired.token().equals(fleet.desired.token())) {
          fleet.desired =
              new Desired(
                  fleet.desired.config(),
                  fleet.desired.hash(),
                  fleet.desired.generation(),
                  desired.token(),
                  fleet.desired.observedNanos());
          fleet.pods.values().forEach(p -> p.failures = 0);
        }
      }
      Map<String, PodTarget> seen = new HashMap<>();
      List<Pod> revived = new ArrayList<>();
      for (PodTarget pod : pods) {
        seen.put(pod.name(), pod);
        Pod state = fleet.pods.get(pod.name());
        if (state == null || !state.target.instance().equals(pod.instance())) {
          if (state != null) {
            state.cancelRetry();
          }
          Pod fresh = new Pod(pod);
          fleet.pods.put(pod.name(), fresh);
          if (state != null) {
            // A new process (restart, new IP): what the old one answered no longer holds.
            revived.add(fresh);
          }
        } else {
          PodTarget before = state.target;
          state.target = pod;
          if (mayAnswerDifferently(before, pod)) {
            state.revive();
            revived.add(state);
          }
        }
      }
      fleet
          .pods
          .entrySet()
          .removeIf(
              e -> {
                if (!seen.containsKey(e.getKey())) {
                  e.getValue().cancelRetry();
                  return true;
                }
                return false;
              });
      // A pod that came up since its last failure is pushed now, not when its backoff ends: the
      // backoff is there for a pod that stays down, and a Ready pod serves traffic meanwhile.
      for (Pod pod : revived) {
        if (fleet.shouldPush(pod)) {
          push(fleet, pod);
        }
      }
      if (!fleet.flushScheduled && fleet.desired != null && fleet.needsPush()) {
        fleet.flushScheduled = true;
        scheduler.schedule(() -> flush(fleet), settings.debounce().toNanos(), TimeUnit.NANOSECONDS);
      }
    }
  }

  /**
   * Whether a change of a known pod (same process) can change the outcome of a push: it turned
   * Ready (its readiness probe reached the admin listener, so the admin port answers now) or its
   * admin port moved. A pod that turned not ready keeps its backoff.
   */
  static boolean mayAnswerDifferently(PodTarget before, PodTarget after) {
    return (after.ready() && !before.ready())
        || before.adminPort() != after.adminPort()
        || !before.ip().equals(after.ip());
  }

  /** Forgets a deleted fleet. */
  public void forget(ObjectKey key) {
    certificates.forget(key);
    Fleet fleet = fleets.remove(key);
    if (fleet != null) {
      synchronized (fleet) {
        fleet.pods.values().forEach(Pod::cancelRetry);
        fleet.pods.clear();
      }
    }
  }

  /** Where the fleet's pods stand, or null when nothing was offered for it. */
  public FleetProgress progress(ObjectKey key) {
    Fleet fleet = fleets.get(key);
    if (fleet == null) {
      return null;
    }
    synchronized (fleet) {
      return fleet.progress();
    }
  }

  /**
   * The highest generation any pod of the fleet reported running, 0 when none answered. Above the
   * operator's own only when the stored generation was lost (the config Secret and the status both
   * gone); the next snapshot then takes a generation above it, so the pods accept it.
   */
  public long highestReported(ObjectKey key) {
    Fleet fleet = fleets.get(key);
    if (fleet == null) {
      return 0;
    }
    synchronized (fleet) {
      return fleet.highestReported;
    }
  }

  private void flush(Fleet fleet) {
    synchronized (fleet) {
      fleet.flushScheduled = false;
      if (fleets.get(fleet.key) != fleet || fleet.desired == null) {
        return;
      }
      for (Pod pod : fleet.pods.values()) {
        if (fleet.shouldPush(pod)) {
          push(fleet, pod);
        }
      }
    }
  }

  /** Holds the fleet's lock. */
  private void push(Fleet fleet, Pod pod) {
    Desired desired = fleet.desired;
    PodTarget target = pod.target;
    long epoch = pod.epoch;
    pod.inFlight = true;
    long started = System.nanoTime();
    // Documents are built off the scheduler thread and outside the fleet's lock, pods in parallel.
    CompletableFuture.supplyAsync(() -> fleet.body(desired, target.ip()), builders)
        .thenCompose(body -> client.push(target, body, desired.generation(), desired.token()))
        .whenComplete(
            (answer, error) -> {
              PodAnswer result =
                  error != null
                      ? new PodAnswer(
                          PodAnswer.Result.UNREACHABLE,
                          0,
                          null,
                          List.of(error.getClass().getSimpleName()),
                          desired.generation())
                      : answer;
              metrics.pushed(result.result(), System.nanoTime() - started);
              answered(fleet, pod, target, desired, epoch, result);
            });
  }

  private void answered(
      Fleet fleet, Pod pod, PodTarget target, Desired desired, long epoch, PodAnswer answer) {
    boolean converged = false;
    long convergedGeneration = 0;
    long convergedPods = 0;
    synchronized (fleet) {
      pod.inFlight = false;
      if (fleet.pods.get(target.name()) != pod) {
        return;
      }
      if (answer.retryable() && epoch != pod.epoch) {
        // The push failed before the pod came up (it turned Ready while the push was on its
        // way): that failure says nothing about the pod now, so it neither shows on status nor
        // starts a backoff. Push again at once.
        if (fleet.shouldPush(pod)) {
          push(fleet, pod);
        }
        return;
      }
      pod.answer = answer;
      fleet.highestReported = Math.max(fleet.highestReported, answer.generation());
      if (answer.retryable()) {
        pod.failures++;
        long delay = backoff(pod.failures);
        log.warn(
            "push failed fleet={} pod={} ip={} generation={} result={} reason={} retryInMs={}",
            fleet.key,
            target.name(),
            target.ip(),
            desired.generation(),
            answer.result().tag(),
            answer.errors().isEmpty() ? "" : answer.errors().get(0),
            TimeUnit.NANOSECONDS.toMillis(delay));
        pod.retry = scheduler.schedule(() -> retry(fleet, pod), delay, TimeUnit.NANOSECONDS);
      } else {
        pod.failures = 0;
        if (answer.result() == PodAnswer.Result.REJECTED
            || answer.result() == PodAnswer.Result.STALE) {
          log.warn(
              "push refused fleet={} pod={} ip={} generation={} result={} errors={}",
              fleet.key,
              target.name(),
              target.ip(),
              desired.generation(),
              answer.result().tag(),
              answer.errors());
          if (answer.result() == PodAnswer.Result.REJECTED) {
            events.rejected(fleet.key, target.name(), desired.generation(), answer.errors());
          }
        }
      }
      if (fleet.desired.generation() != desired.generation() && fleet.shouldPush(pod)) {
        push(fleet, pod);
      }
      FleetProgress progress = fleet.progress();
      if (progress.programmed() && fleet.convergedGeneration < progress.generation()) {
        fleet.convergedGeneration = progress.generation();
        metrics.programmed(System.nanoTime() - fleet.desired.observedNanos());
        converged = true;
        convergedGeneration = progress.generation();
        convergedPods = progress.readyPodsCurrent();
      }
    }
    if (converged) {
      log.info("fleet={} programmed generation={}", fleet.key, fleet.convergedGeneration);
      events.programmed(fleet.key, convergedGeneration, convergedPods);
    }
    listener.accept(fleet.key);
  }

  private void retry(Fleet fleet, Pod pod) {
    synchronized (fleet) {
      pod.retry = null;
      if (fleet.pods.get(pod.target.name()) == pod && fleet.shouldPush(pod)) {
        push(fleet, pod);
      }
    }
  }

  /** Capped exponential backoff with jitter: a random delay between half and all of the step. */
  private long backoff(int failures) {
    return settings.backoff().nanos(failures, ThreadLocalRandom.current().nextDouble());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    builders.shutdownNow();
    fleets.clear();
  }

  private final class Fleet {
    final ObjectKey key;
    final Map<String, Pod> pods = new HashMap<>();
    final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    Desired desired;
    boolean flushScheduled;
    long convergedGeneration;
    long highestReported;

    Fleet(ObjectKey key) {
      this.key = key;
    }

    boolean needsPush() {
      return pods.values().stream().anyMatch(this::shouldPush);
    }

    /** Not running the snapshot, nothing in flight or waiting for a retry, not refused already. */
    boolean shouldPush(Pod pod) {
      if (desired == null || pod.inFlight || pod.retry != null) {
        return false;
      }
      PodAnswer answer = pod.answer;
      if (answer == null) {
        return true;
      }
      if (answer.pushedGeneration() == desired.generation()
          && !answer.retryable()
          && (!answer.acknowledged() || answer.generation() > desired.generation())) {
        // Refused, or the pod runs a newer generation: pushing the same again changes nothing.
        return false;
      }
      return !current(pod);
    }

    /**
     * The pod acknowledged this generation. Within a fleet a generation names one content (it
     * increases whenever the hash does), so an acknowledgement of the generation is one of the
     * content.
     */
    boolean current(Pod pod) {
      PodAnswer answer = pod.answer;
      return answer != null
          && answer.acknowledged()
          && answer.pushedGeneration() == desired.generation()
          && answer.generation() == desired.generation();
    }

    /** The document for a pod; built once per generation (once per pod with a per-pod view). */
    byte[] body(Desired desired, String ip) {
      String key = desired.generation() + (settings.view() == PodView.AS_RENDERED ? "" : "/" + ip);
      return bodies.computeIfAbsent(
          key,
          k ->
              ConfigWriter.toJson(
                      new ConfigDocument(
                          settings.view().configFor(ip, desired.config()),
                          OptionalLong.of(desired.generation())))
                  .getBytes(StandardCharsets.UTF_8));
    }

    FleetProgress progress() {
      List<FleetProgress.PodProgress> list = new ArrayList<>();
      for (Pod pod : pods.values()) {
        list.add(new FleetProgress.PodProgress(pod.target, pod.answer, current(pod)));
      }
      list.sort(Comparator.comparing(p -> p.target().name()));
      return new FleetProgress(desired == null ? 0 : desired.generation(), list);
    }
  }

  private static final class Pod {
    PodTarget target;
    PodAnswer answer;
    boolean inFlight;
    int failures;
    ScheduledFuture<?> retry;
    // Counts the pod's comings up; a failed push started before the latest one is disregarded.
    long epoch;

    Pod(PodTarget target) {
      this.target = target;
    }

    /**
     * The pod came up: forget the failures of before (they neither delay the next push nor stay on
     * status) and drop the pending retry.
     */
    void revive() {
      cancelRetry();
      failures = 0;
      epoch++;
      if (answer != null && answer.retryable()) {
        answer = null;
      }
    }

    void cancelRetry() {
      if (retry != null) {
        retry.cancel(false);
        retry = null;
      }
    }
  }
}
