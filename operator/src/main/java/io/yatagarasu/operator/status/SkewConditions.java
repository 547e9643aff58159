package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.operator.render.VersionSkew;
import java.util.List;

/**
 * The VersionSkew condition, on both kinds: True while the object has fields this operator version
 * does not know or cannot read (its message names them), False otherwise. Always present, so the
 * condition list keeps its length and a status patch computed from a slightly stale copy stays
 * valid.
 */
public final class SkewConditions {
  public static final String VERSION_SKEW = "VersionSkew";
  public static final String FIELDS_IGNORED = "FieldsIgnored";
  public static final String FIELDS_REFUSED = "FieldsRefused";
  public static final String UNREADABLE = "Unreadable";
  public static final String ALL_FIELDS_KNOWN = "AllFieldsKnown";

  private SkewConditions() {}

  public static List<Condition> of(VersionSkew skew) {
    if (skew.none()) {
      return List.of(
          Conditions.of(
              VERSION_SKEW,
              Conditions.FALSE,
              ALL_FIELDS_KNOWN,
              "this operator version knows every field of the spec"));
    }
    String reason =
        !skew.unreadable().isEmpty()
            ? UNREADABLE
            : !skew.refused().isEmpty() ? FIELDS_REFUSED : FIELDS_IGNORED;
    return List.of(Conditions.of(VERSION_SKEW, Conditions.TRUE, reason, skew.message()));
  }
}
