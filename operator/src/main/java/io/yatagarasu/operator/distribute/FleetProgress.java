package io.yatagarasu.operator.distribute;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a fleet's pods stand against the snapshot the distributor is pushing.
 *
 * @param generation the snapshot's generation
 * @param pods every running pod with an IP, sorted by name
 */
public record FleetProgress(long generation, List<PodProgress> pods) {
  private static final int MAX_PODS_NAMED = 3;
  private static final int MAX_ERRORS = 3;

  /**
   * One pod.
   *
   * @param target the pod
   * @param answer its last answer, or null before the first one
   * @param current it runs the snapshot's generation and content
   */
  public record PodProgress(PodTarget target, PodAnswer answer, boolean current) {
    public PodProgress {
      Objects.requireNonNull(target, "target");
    }
  }

  public FleetProgress {
    pods = List.copyOf(pods);
  }

  public long readyPods() {
    return pods.stream().filter(p -> p.target().ready()).count();
  }

  public long readyPodsCurrent() {
    return pods.stream().filter(p -> p.target().ready() && p.current()).count();
  }

  /** There are ready pods and none of them has answered yet (as right after an operator start). */
  public boolean awaitingFirstAnswers() {
    return readyPods() > 0
        && pods.stream().filter(p -> p.target().ready()).allMatch(p -> p.answer() == null);
  }

  /** Every ready pod runs the snapshot (and there is at least one). */
  public boolean programmed() {
    long ready = readyPods();
    return ready > 0 && readyPodsCurrent() == ready;
  }

  /**
   * The generation every ready pod runs at least: the snapshot's when programmed, -1 when no pod is
   * ready, 0 when a ready pod has not answered yet.
   */
  public long programmedGeneration() {
    if (readyPods() == 0) {
      return -1;
    }
    long min = Long.MAX_VALUE;
    for (PodProgress pod : pods) {
      if (!pod.target().ready()) {
        continue;
      }
      long running =
          pod.current()
              ? generation
              : pod.answer() == null || pod.answer().hash() == null ? 0 : pod.answer().generation();
      min = Math.min(min, running);
    }
    return min;
  }

  /** Pods that rejected this generation. */
  public List<PodProgress> rejected() {
    return pods.stream()
        .filter(
            p ->
                !p.current()
                    && p.answer() != null
                    && p.answer().pushedGeneration() == generation
                    && (p.answer().result() == PodAnswer.Result.REJECTED
                        || p.answer().result() == PodAnswer.Result.STALE))
        .toList();
  }

  /** Pods whose last push did not get an answer, or whose token was refused. */
  public List<PodProgress> unreachable() {
    return pods.stream()
        .filter(p -> !p.current() && p.answer() != null && p.answer().retryable())
        .toList();
  }

  /** {@code N/M pods at generation G}, then which pods failed and why. */
  public String describe() {
    StringBuilder text =
        new StringBuilder()
            .append(readyPodsCurrent())
            .append('/')
            .append(readyPods())
            .append(" ready pods at generation ")
            .append(generation);
    List<String> problems = new ArrayList<>();
    for (PodProgress pod : rejected()) {
      problems.add(
          "pod "
              + pod.target().name()
              + " ("
              + pod.target().ip()
              + ") rejected generation "
              + generation
              + ": "
              + firstErrors(pod.answer().errors()));
    }
    for (PodProgress pod : unreachable()) {
      problems.add(
          "pod "
              + pod.target().name()
              + " ("
              + pod.target().ip()
              + ") "
              + (pod.answer().result() == PodAnswer.Result.UNAUTHORIZED
                  ? "refused the admin token"
                  : "unreachable")
              + ": "
              + firstErrors(pod.answer().errors())
              + "; retrying with backoff");
    }
    int named = Math.min(problems.size(), MAX_PODS_NAMED);
    for (int i = 0; i < named; i++) {
      text.append("; ").append(problems.get(i));
    }
    if (problems.size() > named) {
      int more = problems.size() - named;
      text.append("; and ").append(more).append(more == 1 ? " more pod" : " more pods");
    }
    return text.toString();
  }

  private static String firstErrors(List<String> errors) {
    if (errors.isEmpty()) {
      return "no details";
    }
    List<String> first = errors.subList(0, Math.min(MAX_ERRORS, errors.size()));
    return String.join("; ", first)
        + (errors.size() > first.size()
            ? " (and " + (errors.size() - first.size()) + " more)"
            : "");
  }
}
