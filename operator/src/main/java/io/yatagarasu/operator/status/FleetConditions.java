package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.operator.distribute.FleetProgress;
import java.util.ArrayList;
import java.util.List;

/** The Ready, Programmed and Degraded conditions of an S3ProxyConfig. */
public final class FleetConditions {
  public static final String READY = "Ready";
  public static final String PROGRAMMED = "Programmed";
  public static final String DEGRADED = "Degraded";

  private FleetConditions() {}

  /**
   * What the conditions are computed from.
   *
   * @param fleet namespace/name of the fleet, for messages
   * @param configSecret name of the rendered-config Secret
   * @param snapshotGeneration generation of the stored snapshot, 0 when there is none
   * @param snapshotHash hash of the stored snapshot, or null
   * @param fleetProblems problems of the S3ProxyConfig's own settings
   * @param desiredReplicas spec.replicas
   * @param readyReplicas ready pods of the Deployment
   * @param accepted buckets in the snapshot
   * @param rejected buckets left out
   * @param serviceMonitorMissing ServiceMonitor enabled but its CRD is not installed
   * @param pods where the pods stand against the pushed snapshot, or null before any push
   */
  public record Inputs(
      String fleet,
      String configSecret,
      long snapshotGeneration,
      String snapshotHash,
      List<String> fleetProblems,
      int desiredReplicas,
      int readyReplicas,
      long accepted,
      long rejected,
      boolean serviceMonitorMissing,
      FleetProgress pods) {}

  public static List<Condition> of(Inputs in) {
    List<Condition> conditions = new ArrayList<>();
    boolean hasSnapshot = in.snapshotGeneration() > 0;
    String pods = "pods -l app.kubernetes.io/instance=" + in.fleet().split("/", 2)[1];
    if (!hasSnapshot) {
      conditions.add(
          Conditions.of(
              READY,
              Conditions.FALSE,
              "NoSnapshot",
              "no valid snapshot has been rendered yet, so proxy pods cannot start; see the"
                  + " Degraded condition"));
    } else if (in.desiredReplicas() == 0) {
      conditions.add(
          Conditions.of(
              READY, Conditions.FALSE, "ScaledToZero", "spec.replicas is 0: no proxy pods run"));
    } else if (in.readyReplicas() < in.desiredReplicas()) {
      conditions.add(
          Conditions.of(
              READY,
              Conditions.FALSE,
              "PodsNotReady",
              in.readyReplicas()
                  + "/"
                  + in.desiredReplicas()
                  + " proxy pods ready; see kubectl get "
                  + pods
                  + " and kubectl describe on a pod that is not ready"));
    } else {
      conditions.add(
          Conditions.of(
              READY,
              Conditions.TRUE,
              "PodsReady",
              in.readyReplicas() + "/" + in.desiredReplicas() + " proxy pods ready"));
    }

    if (!in.fleetProblems().isEmpty()) {
      conditions.add(
          Conditions.of(
              PROGRAMMED,
              Conditions.FALSE,
              "Invalid",
              (hasSnapshot
                      ? "the spec is invalid; the last good snapshot (generation "
                          + in.snapshotGeneration()
                          + ") stays in Secret "
                          + in.configSecret()
                      : "the spec is invalid; no snapshot is stored")
                  + ": "
                  + String.join("; ", in.fleetProblems())));
    } else if (in.pods() == null
        || in.pods().readyPods() == 0
        || in.pods().generation() != in.snapshotGeneration()) {
      conditions.add(
          Conditions.of(
              PROGRAMMED,
              Conditions.UNKNOWN,
              BucketConditions.NOT_PUSHED,
              "snapshot generation "
                  + in.snapshotGeneration()
                  + " (hash "
                  + in.snapshotHash().substring(0, 12)
                  + ", "
                  + count(in.accepted(), "bucket")
                  + ") is stored in Secret "
                  + in.configSecret()
                  + "; no ready proxy pod has answered a push of it yet; pods load it when they"
                  + " start"));
    } else if (in.pods().programmed()) {
      conditions.add(
          Conditions.of(
              PROGRAMMED,
              Conditions.TRUE,
              "Programmed",
              in.pods().describe()
                  + " (hash "
                  + in.snapshotHash().substring(0, 12)
                  + ", "
                  + count(in.accepted(), "bucket")
                  + ")"));
    } else {
      String reason =
          !in.pods().rejected().isEmpty()
              ? "Rejected"
              : !in.pods().unreachable().isEmpty() ? "Unreachable" : "Pushing";
      conditions.add(Conditions.of(PROGRAMMED, Conditions.FALSE, reason, in.pods().describe()));
    }

    List<String> reasons = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    if (!in.fleetProblems().isEmpty()) {
      reasons.add("Invalid");
      messages.add("fix the S3ProxyConfig spec: " + String.join("; ", in.fleetProblems()));
    }
    if (in.serviceMonitorMissing()) {
      reasons.add("ServiceMonitorUnavailable");
      messages.add(
          "spec.monitoring.serviceMonitor.enabled is true but the Prometheus Operator CRD"
              + " servicemonitors.monitoring.coreos.com is not installed; install the Prometheus"
              + " Operator or set enabled to false");
    }
    if (in.pods() != null
        && in.pods().generation() == in.snapshotGeneration()
        && !in.pods().rejected().isEmpty()) {
      reasons.add("SnapshotRejected");
      messages.add(
          "proxy pods rejected snapshot generation "
              + in.snapshotGeneration()
              + " and keep serving their previous one: "
              + in.pods().describe());
    }
    if (in.rejected() > 0) {
      reasons.add("BucketsRejected");
      messages.add(
          in.rejected()
              + " of "
              + count(in.accepted() + in.rejected(), "bucket")
              + " referencing this fleet "
              + (in.rejected() == 1 ? "is" : "are")
              + " not in the snapshot; the PROGRAMMED and REASON columns of kubectl get"
              + " s3proxybuckets -A say which and why");
    }
    if (reasons.isEmpty()) {
      conditions.add(Conditions.of(DEGRADED, Conditions.FALSE, "AsExpected", "no problems found"));
    } else {
      conditions.add(
          Conditions.of(DEGRADED, Conditions.TRUE, reasons.get(0), String.join("; ", messages)));
    }
    return conditions;
  }

  /**
   * {@code conditions} with one more problem on the Degraded condition: it turns True with {@code
   * reason} when it was False, or keeps its reason and gains the message when already True.
   */
  public static List<Condition> withProblem(
      List<Condition> conditions, String reason, String message) {
    List<Condition> next = new ArrayList<>();
    for (Condition condition : conditions) {
      if (!DEGRADED.equals(condition.getType())) {
        next.add(condition);
      } else if (Conditions.TRUE.equals(condition.getStatus())) {
        next.add(
            Conditions.of(
                DEGRADED,
                Conditions.TRUE,
                condition.getReason(),
                condition.getMessage() + "; " + message));
      } else {
        next.add(Conditions.of(DEGRADED, Conditions.TRUE, reason, message));
      }
    }
    return next;
  }

  /** {@code 1 bucket}, {@code 2 buckets}. */
  static String count(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }
}
