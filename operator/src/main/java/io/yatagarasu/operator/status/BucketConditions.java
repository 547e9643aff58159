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

  /** Programmed while snapshots reach running pods only through pod start-up. */
  public static final String NOT_PUSHED = "NotPushed";

  private BucketConditions() {}

  /** The conditions for an outcome, without observedGeneration or transition times. */
  public static List<Condition> of(BucketOutcome outcome) {
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
    if (outcome.included()) {
      programmed =
          Conditions.of(
              PROGRAMMED,
              Conditions.UNKNOWN,
              NOT_PUSHED,
              "the route is in the fleet's rendered snapshot (see the S3ProxyConfig's"
                  + " status.configGeneration), which proxy pods load when they start; this"
                  + " operator version does not push snapshots to running pods");
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
