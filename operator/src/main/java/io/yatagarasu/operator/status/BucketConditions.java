package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.operator.render.BucketOutcome;
import io.yatagarasu.operator.render.Reason;
import io.yatagarasu.operator.render.Verdict;
import java.util.List;

/** The Accepted, ResolvedRefs and Programmed conditions of an S3ProxyBucket. */
public final class BucketConditions {
  public static final String ACCEPTED = "Accepted";
  public static final String RESOLVED_REFS = "ResolvedRefs";
  public static final String PROGRAMMED = "Programmed";

  /** Programmed while no ready proxy pod has answered a push yet. */
  public static final String NOT_PUSHED = "NotPushed";

  public static final String PROGRAMMED_REASON = "Programmed";
  public static final String NOT_PROGRAMMED = "NotProgrammed";

  private BucketConditions() {}

  /** The conditions for an outcome before any pod answered a push. */
  public static List<Condition> of(BucketOutcome outcome) {
    return of(outcome, -1, 0);
  }

  /**
   * The conditions for an outcome, without observedGeneration or transition times.
   *
   * @param podsAtLeast the generation every ready pod of the fleet runs at least, -1 when unknown
   * @param includedSince the first snapshot generation holding this outcome
   */
  public static List<Condition> of(BucketOutcome outcome, long podsAtLeast, long includedSince) {
    Verdict accepted = outcome.accepted();
    Condition acceptedCondition =
        Conditions.of(
            ACCEPTED,
            accepted.ok()
                ? Conditions.TRUE
                : accepted.reason() == Reason.Pending ? Conditions.UNKNOWN : Conditions.FALSE,
            accepted.reason().name(),
            accepted.message());
    Verdict refs = outcome.resolvedRefs();
    Condition refsCondition =
        refs == null
            ? Conditions.of(
                RESOLVED_REFS,
                Conditions.UNKNOWN,
                Reason.Pending.name(),
                "references are checked once the bucket is valid and its S3ProxyConfig exists")
            : Conditions.of(
                RESOLVED_REFS,
                refs.ok() ? Conditions.TRUE : Conditions.FALSE,
                refs.reason().name(),
                refs.message());
    Condition programmed;
    if (outcome.included() && podsAtLeast < 0) {
      programmed =
          Conditions.of(
              PROGRAMMED,
              Conditions.UNKNOWN,
              NOT_PUSHED,
              "the route is in the fleet's rendered snapshot (see the S3ProxyConfig's"
                  + " status.configGeneration); no ready proxy pod has answered a push yet, and"
                  + " pods load the snapshot when they start");
    } else if (outcome.included() && podsAtLeast >= includedSince) {
      programmed =
          Conditions.of(
              PROGRAMMED,
              Conditions.TRUE,
              PROGRAMMED_REASON,
              "every ready proxy pod runs a snapshot with this route (generation "
                  + includedSince
                  + " or later)");
    } else if (outcome.included()) {
      programmed =
          Conditions.of(
              PROGRAMMED,
              Conditions.FALSE,
              NOT_PROGRAMMED,
              "snapshot generation "
                  + includedSince
                  + " with this route has not reached every ready proxy pod yet; see the"
                  + " S3ProxyConfig's Programmed condition for which pod and why");
    } else if (accepted.reason() == Reason.Pending) {
      programmed =
          Conditions.of(PROGRAMMED, Conditions.UNKNOWN, Reason.Pending.name(), accepted.message());
    } else if (accepted.ok() && refs != null && refs.ok()) {
      programmed =
          Conditions.of(
              PROGRAMMED,
              Conditions.FALSE,
              Reason.FleetInvalid.name(),
              "the S3ProxyConfig's own settings are invalid, so no snapshot is rendered; see its"
                  + " Degraded condition");
    } else {
      Verdict cause = !accepted.ok() ? accepted : refs;
      programmed =
          Conditions.of(
              PROGRAMMED,
              Conditions.FALSE,
              cause.reason().name(),
              "not in the fleet's snapshot: " + cause.message());
    }
    return List.of(acceptedCondition, refsCondition, programmed);
  }
}
