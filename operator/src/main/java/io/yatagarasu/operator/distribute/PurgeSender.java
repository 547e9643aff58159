package io.yatagarasu.operator.distribute;

import io.yatagarasu.operator.render.ObjectKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Sends cache purges to proxy pods through the same admin client as snapshot pushes, off the
 * caller's thread, and keeps what each pod answered. The caller (the purge reconciler) decides when
 * to send and owns the status; this class only remembers, per purge and pod, how many requests were
 * sent, whether one is on its way, and the answer to the latest one. It forgets a purge when told,
 * and everything when the operator stops (the status then holds the history).
 */
public final class PurgeSender implements AutoCloseable {
  /**
   * One pod's requests so far.
   *
   * @param attempts requests sent
   * @param lastAttempt when the latest one was sent, or null
   * @param inFlight whether the latest one is still unanswered
   * @param answer the answer to the latest request, or null
   */
  public record PodState(int attempts, Instant lastAttempt, boolean inFlight, PurgeAnswer answer) {}

  private final AdminClient client;
  private final Backoff backoff;
  private final Clock clock;
  private final Map<String, Map<String, PodState>> purges = new ConcurrentHashMap<>();
  private volatile Consumer<ObjectKey> listener = purge -> {};

  public PurgeSender(DistributorSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    this.client = new AdminClient(settings.timeout());
    this.backoff = settings.backoff();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Called (on an HTTP client thread) whenever a pod answered a purge. */
  public void onAnswer(Consumer<ObjectKey> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** The retry delays between requests to a pod that did not purge. */
  public Backoff backoff() {
    return backoff;
  }

  /** What was sent to the pod for the purge with this uid, or null when nothing was. */
  public PodState state(String purgeUid, String pod) {
    Map<String, PodState> pods = purges.get(purgeUid);
    return pods == null ? null : pods.get(pod);
  }

  /**
   * Sends the purge to a pod unless a request to it is on its way. {@code attemptsBefore} is the
   * count the caller knows of (from status, after an operator restart); the new request is one more
   * than the higher of that and this sender's own count.
   *
   * @param key the purge, told to the listener with the answer
   * @param token the fleet's admin token (never logged)
   * @return the pod's state with the new request, or the unchanged state when one is in flight
   */
  public PodState send(
      ObjectKey key,
      String purgeUid,
      PodTarget pod,
      byte[] body,
      String token,
      int attemptsBefore) {
    Objects.requireNonNull(token, "token");
    Map<String, PodState> pods = purges.computeIfAbsent(purgeUid, u -> new ConcurrentHashMap<>());
    PodState sent;
    synchronized (pods) {
      PodState before = pods.get(pod.name());
      if (before != null && before.inFlight()) {
        return before;
      }
      int attempt = Math.max(attemptsBefore, before == null ? 0 : before.attempts()) + 1;
      sent = new PodState(attempt, clock.instant(), true, null);
      pods.put(pod.name(), sent);
    }
    client
        .purge(pod, body, token)
        .whenComplete(
            (answer, error) -> {
              PurgeAnswer result =
                  error != null
                      ? new PurgeAnswer(
                          PurgeAnswer.Result.UNREACHABLE, 0, error.getClass().getSimpleName())
                      : answer;
              synchronized (pods) {
                PodState now = pods.get(pod.name());
                if (now == null || now.attempts() != sent.attempts()) {
                  return;
                }
                pods.put(
                    pod.name(), new PodState(sent.attempts(), sent.lastAttempt(), false, result));
              }
              listener.accept(key);
            });
    return sent;
  }

  /** Forgets a finished purge. */
  public void forget(String purgeUid) {
    purges.remove(purgeUid);
  }

  /** Forgets every purge but these (deleted purges leave no state behind). */
  public void retainOnly(Set<String> purgeUids) {
    purges.keySet().retainAll(purgeUids);
  }

  @Override
  public void close() {
    purges.clear();
  }
}
