package io.yatagarasu.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.yatagarasu.operator.render.ObjectKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (core/v1, what {@code kubectl describe} and {@code kubectl get events} show)
 * about the objects the operator manages. fabric8 has no event recorder like client-go's, so this
 * is a small one with the same manners:
 *
 * <ul>
 *   <li>Best effort and never in the way: {@link #record} only queues (a bounded queue; when it is
 *       full the event is dropped). One daemon thread writes; a slow or failing API server costs
 *       the caller nothing, and a failed write is logged at debug.
 *   <li>Deduplicated: the same (object, type, reason, message) again is one Event whose {@code
 *       count} and {@code lastTimestamp} grow, written at most once per {@link
 *       Settings#repeatInterval()} (repeats in between are counted and written together).
 *   <li>Rate limited: each object gets at most {@link Settings#burst()} distinct events at once,
 *       then one more per {@link Settings#refill()}, as client-go's spam filter does.
 * </ul>
 *
 * Messages name objects, fields and generations only: no caller passes a secret, token or key.
 */
public final class EventRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  /** {@code source.component} and {@code reportingComponent} of every event. */
  public static final String COMPONENT = "yatagarasu-operator";

  private static final int MAX_MESSAGE = 1024;

  /** An event's type. */
  public enum Type {
    Normal,
    Warning
  }

  /**
   * How events are limited.
   *
   * @param queue events waiting to be written at most; more are dropped
   * @param remembered (object, reason, message) keys remembered for deduplication, oldest dropped
   * @param repeatInterval a repeated event is written at most this often
   * @param burst distinct events an object may get at once
   * @param refill one more distinct event per object after this long
   */
  public record Settings(
      int queue, int remembered, Duration repeatInterval, int burst, Duration refill) {
    public Settings {
      Objects.requireNonNull(repeatInterval, "repeatInterval");
      Objects.requireNonNull(refill, "refill");
      if (queue < 1 || remembered < 1 || burst < 1) {
        throw new IllegalArgumentException("queue, remembered and burst must be positive");
      }
    }

    public static Settings defaults() {
      return new Settings(1000, 4096, Duration.ofSeconds(30), 25, Duration.ofMinutes(5));
    }
  }

  private final KubernetesClient client;
  private final String instance;
  private final Clock clock;
  private final Settings settings;
  private final ScheduledExecutorService writer;
  private final AtomicInteger queued = new AtomicInteger();
  // Touched by the writer thread only.
  private final Map<String, Sent> sent;
  private final Map<String, Bucket> buckets;
  private int sequence;

  /**
   * @param instance this replica (its pod name), the events' {@code reportingInstance}; may be null
   */
  public EventRecorder(KubernetesClient client, String instance, Clock clock, Settings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.instance = instance;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "yatagarasu-events");
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.writer = executor;
    this.sent = lru(settings.remembered());
    this.buckets = lru(settings.remembered());
  }

  private static <V> Map<String, V> lru(int size) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > size;
      }
    };
  }

  /** A Normal event about {@code object}. */
  public void normal(HasMetadata object, String reason, String message) {
    record(object, Type.Normal, reason, message);
  }

  /** A Warning event about {@code object}. */
  public void warning(HasMetadata object, String reason, String message) {
    record(object, Type.Warning, reason, message);
  }

  public void record(HasMetadata object, Type type, String reason, String message) {
    ObjectReference about = reference(object);
    submit(() -> write(about, type, reason, message));
  }

  private static ObjectReference reference(HasMetadata object) {
    return new ObjectReferenceBuilder()
        .withApiVersion(object.getApiVersion())
        .withKind(object.getKind())
        .withNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid())
        .build();
  }

  /**
   * An event about the object of {@code kind} at {@code key}, looked up (for its uid) on the writer
   * thread; nothing is recorded when it no longer exists.
   */
  public void record(
      Class<? extends HasMetadata> kind, ObjectKey key, Type type, String reason, String message) {
    submit(
        () -> {
          HasMetadata object =
              client.resources(kind).inNamespace(key.namespace()).withName(key.name()).get();
          if (object == null) {
            log.debug("event {} dropped: {} {} not found", reason, kind.getSimpleName(), key);
            return;
          }
          write(reference(object), type, reason, message);
        });
  }

  private void submit(Runnable task) {
    if (queued.incrementAndGet() > settings.queue()) {
      queued.decrementAndGet();
      log.debug("event dropped: {} events are waiting", settings.queue());
      return;
    }
    try {
      writer.execute(
          () -> {
            queued.decrementAndGet();
            try {
              task.run();
            } catch (RuntimeException e) {
              log.debug("event not written: {}", e.toString());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      queued.decrementAndGet();
    }
  }

  /** On the writer thread. */
  private void write(ObjectReference about, Type type, String reason, String message) {
    String text = message == null ? "" : message;
    text = text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
    String key =
        String.join(
            "\u0000",
            about.getKind(),
            about.getNamespace(),
            about.getName(),
            String.valueOf(about.getUid()),
            type.name(),
            reason,
            text);
    Instant now = clock.instant();
    Sent previous = sent.get(key);
    if (previous != null) {
      previous.count++;
      if (!previous.flushScheduled) {
        Instant due = previous.written.plus(settings.repeatInterval());
        long delay = Math.max(0, Duration.between(now, due).toMillis());
        previous.flushScheduled = true;
        writer.schedule(() -> flush(key, previous), delay, TimeUnit.MILLISECONDS);
      }
      return;
    }
    String objectKey = about.getKind() + "/" + about.getNamespace() + "/" + about.getName();
    Bucket tokens = buckets.computeIfAbsent(objectKey, k -> new Bucket(settings.burst(), now));
    if (!tokens.take(now, settings)) {
      log.debug("event {} about {} dropped: rate limited", reason, objectKey);
      return;
    }
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(about.getName() + "." + Long.toHexString(now.toEpochMilli() * 1000 + seq()))
            .withNamespace(about.getNamespace())
            .endMetadata()
            .withInvolvedObject(about)
            .withType(type.name())
            .withReason(reason)
            .withMessage(text)
            .withCount(1)
            .withFirstTimestamp(stamp)
            .withLastTimestamp(stamp)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .build();
    Sent entry = new Sent(event, now);
    sent.put(key, entry);
    try {
      client.v1().events().inNamespace(about.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      log.debug("event {} about {} not written: {}", reason, objectKey, e.getMessage());
    }
  }

  /** Writes the count of a repeated event; on the writer thread. */
  private void flush(String key, Sent entry) {
    entry.flushScheduled = false;
    if (entry.count == entry.countWritten) {
      return;
    }
    Instant now = clock.instant();
    entry.written = now;
    entry.countWritten = entry.count;
    Event event = entry.event;
    String patch =
        "{\"count\":"
            + entry.count
            + ",\"lastTimestamp\":\""
            + now.truncatedTo(ChronoUnit.SECONDS)
            + "\"}";
    try {
      client
          .v1()
          .events()
          .inNamespace(event.getMetadata().getNamespace())
          .withName(event.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      // Gone (events expire after an hour): the next occurrence starts a new one.
      sent.remove(key);
      log.debug(
          "event {} not updated: {}", event.getMetadata().getName(), String.valueOf(e.getCode()));
    }
  }

  private int seq() {
    sequence = (sequence + 1) % 1000;
    return sequence;
  }

  /** Stops writing; queued events are dropped. */
  @Override
  public void close() {
    writer.shutdownNow();
  }

  private static final class Sent {
    final Event event;
    Instant written;
    int count = 1;
    int countWritten = 1;
    boolean flushScheduled;

    Sent(Event event, Instant written) {
      this.event = event;
      this.written = written;
    }
  }

  /** A token bucket of distinct events for one object. */
  private static final class Bucket {
    double tokens;
    Instant last;

    Bucket(int burst, Instant now) {
      this.tokens = burst;
      this.last = now;
    }

    boolean take(Instant now, Settings settings) {
      long refillMillis = Math.max(1, settings.refill().toMillis());
      double elapsed = Math.max(0, Duration.between(last, now).toMillis());
      tokens = Math.min(settings.burst(), tokens + elapsed / refillMillis);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens--;
      return true;
    }
  }
}
