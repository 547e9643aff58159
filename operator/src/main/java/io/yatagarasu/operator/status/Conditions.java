package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Builds and merges status conditions the Kubernetes way. */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  public static Condition of(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  /**
   * The conditions to write: {@code next} stamped with the observed generation, each keeping the
   * previous lastTransitionTime when its status did not change.
   */
  public static List<Condition> merge(
      List<Condition> previous, List<Condition> next, long observedGeneration, Instant now) {
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<Condition> merged = new ArrayList<>();
    for (Condition condition : next) {
      Condition old = find(previous, condition.getType());
      String transition =
          old != null
                  && Objects.equals(old.getStatus(), condition.getStatus())
                  && old.getLastTransitionTime() != null
              ? old.getLastTransitionTime()
              : stamp;
      merged.add(
          new ConditionBuilder(condition)
              .withObservedGeneration(observedGeneration)
              .withLastTransitionTime(transition)
              .build());
    }
    return merged;
  }

  /** Whether two condition lists say the same, ignoring transition times. */
  public static boolean sameContent(List<Condition> a, List<Condition> b) {
    List<Condition> left = a == null ? List.of() : a;
    List<Condition> right = b == null ? List.of() : b;
    if (left.size() != right.size()) {
      return false;
    }
    for (int i = 0; i < left.size(); i++) {
      Condition x = left.get(i);
      Condition y = right.get(i);
      if (!Objects.equals(x.getType(), y.getType())
          || !Objects.equals(x.getStatus(), y.getStatus())
          || !Objects.equals(x.getReason(), y.getReason())
          || !Objects.equals(x.getMessage(), y.getMessage())
          || !Objects.equals(x.getObservedGeneration(), y.getObservedGeneration())) {
        return false;
      }
    }
    return true;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
