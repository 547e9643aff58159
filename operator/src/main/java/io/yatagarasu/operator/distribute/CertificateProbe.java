package io.yatagarasu.operator.distribute;

import io.yatagarasu.operator.render.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Asks each ready pod of a fleet which certificate its data listener serves ({@code GET
 * /admin/tls}) until the pod serves the fleet's current one. The kubelet refreshes a mounted Secret
 * up to a minute or more after it changed, and the proxy then reloads it within seconds, so a pod
 * that still serves another certificate is asked again with capped exponential backoff; a pod that
 * serves the current one is not asked again until it restarts or the certificate changes. Nothing
 * here blocks: requests are asynchronous and the listener is told (on an HTTP client thread) when
 * an answer differs from the pod's previous one, so the reconcile that writes the status runs
 * again.
 */
public final class CertificateProbe {
  /**
   * What is known of one ready pod's certificate.
   *
   * @param pod the Pod's name
   * @param answer its latest answer, or null before the first one
   */
  public record PodCertificate(String pod, CertificateAnswer answer) {}

  private final AdminClient client;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  private final Map<ObjectKey, Fleet> fleets = new ConcurrentHashMap<>();
  private volatile Consumer<ObjectKey> listener = fleet -> {};

  CertificateProbe(AdminClient client, Backoff backoff, ScheduledExecutorService scheduler) {
    this.client = Objects.requireNonNull(client, "client");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Called when a pod's answer changed what is known of the fleet's certificates. */
  public void onChange(Consumer<ObjectKey> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * The fleet's pods should serve the certificate with serial number {@code expected} (hex). Asks
   * every ready pod of {@code pods} not known to serve it: at once for a pod or a certificate new
   * here, else when its backoff ends. Returns at once.
   *
   * @param token the fleet's admin token (never logged)
   */
  public void observe(ObjectKey key, String expected, String token, List<PodTarget> pods) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(token, "token");
    Fleet fleet = fleets.computeIfAbsent(key, Fleet::new);
    synchronized (fleet) {
      boolean newCertificate = !expected.equalsIgnoreCase(String.valueOf(fleet.expected));
      fleet.expected = expected;
      fleet.token = token;
      Map<String, PodTarget> ready = new java.util.HashMap<>();
      for (PodTarget target : pods) {
        if (target.ready()) {
          ready.put(target.name(), target);
        }
      }
      fleet
          .pods
          .entrySet()
          .removeIf(
              e -> {
                PodTarget now = ready.get(e.getKey());
                if (now == null || !samePod(e.getValue().target, now)) {
                  e.getValue().cancel();
                  return true;
                }
                e.getValue().target = now;
                return false;
              });
      ready.forEach((name, target) -> fleet.pods.computeIfAbsent(name, n -> new Pod(target)));
      for (Pod pod : fleet.pods.values()) {
        if (fleet.current(pod)) {
          continue;
        }
        if (newCertificate) {
          pod.failures = 0;
          pod.cancel();
        }
        if (!pod.inFlight && pod.next == null) {
          ask(fleet, pod);
        }
      }
    }
  }

  /** What is known of each ready pod the fleet was last observed with, by pod name. */
  public List<PodCertificate> certificates(ObjectKey key) {
    Fleet fleet = fleets.get(key);
    if (fleet == null) {
      return List.of();
    }
    synchronized (fleet) {
      List<PodCertificate> list = new ArrayList<>();
      fleet.pods.forEach((name, pod) -> list.add(new PodCertificate(name, pod.answer)));
      return list;
    }
  }

  /** Forgets a fleet (deleted, or no longer serving TLS) and stops asking its pods. */
  public void forget(ObjectKey key) {
    Fleet fleet = fleets.remove(key);
    if (fleet != null) {
      synchronized (fleet) {
        fleet.pods.values().forEach(Pod::cancel);
        fleet.pods.clear();
      }
    }
  }

  /** The same process at the same address: what it answered still holds. */
  private static boolean samePod(PodTarget before, PodTarget now) {
    return before.instance().equals(now.instance())
        && before.ip().equals(now.ip())
        && before.adminPort() == now.adminPort();
  }

  /** Holds the fleet's lock. */
  private void ask(Fleet fleet, Pod pod) {
    pod.inFlight = true;
    client
        .certificate(pod.target, fleet.token)
        .whenComplete(
            (answer, error) ->
                answered(
                    fleet,
                    pod,
                    error != null
                        ? CertificateAnswer.failed(
                            CertificateAnswer.Result.UNREACHABLE, error.getClass().getSimpleName())
                        : answer));
  }

  private void answered(Fleet fleet, Pod pod, CertificateAnswer answer) {
    boolean changed;
    synchronized (fleet) {
      pod.inFlight = false;
      if (fleets.get(fleet.key) != fleet || fleet.pods.get(pod.target.name()) != pod) {
        return;
      }
      changed = !answer.equals(pod.answer);
      pod.answer = answer;
      if (fleet.current(pod)) {
        pod.failures = 0;
      } else if (pod.next == null) {
        pod.failures++;
        long delay = backoff.nanos(pod.failures, ThreadLocalRandom.current().nextDouble());
        pod.next = scheduler.schedule(() -> again(fleet, pod), delay, TimeUnit.NANOSECONDS);
      }
    }
    if (changed) {
      listener.accept(fleet.key);
    }
  }

  private void again(Fleet fleet, Pod pod) {
    synchronized (fleet) {
      pod.next = null;
      if (fleets.get(fleet.key) == fleet
          && fleet.pods.get(pod.target.name()) == pod
          && !pod.inFlight
          && !fleet.current(pod)) {
        ask(fleet, pod);
      }
    }
  }

  private static final class Fleet {
    final ObjectKey key;
    final Map<String, Pod> pods = new java.util.TreeMap<>();
    String expected;
    String token;

    Fleet(ObjectKey key) {
      this.key = key;
    }

    boolean current(Pod pod) {
      return pod.answer != null
          && pod.answer.result() == CertificateAnswer.Result.REPORTED
          && pod.answer.serialNumber().equalsIgnoreCase(expected);
    }
  }

  private static final class Pod {
    PodTarget target;
    CertificateAnswer answer;
    boolean inFlight;
    int failures;
    ScheduledFuture<?> next;

    Pod(PodTarget target) {
      this.target = target;
    }

    void cancel() {
      if (next != null) {
        next.cancel(false);
        next = null;
      }
    }
  }
}
