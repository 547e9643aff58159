package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.operator.render.VersionSkew;
import java.util.List;

/**
 * The VersionSkew condition, on any kind: present (True) only while the object has fields this
 * operator version does not know or cannot read, so {@code kubectl get} with its message lists
 * exactly the objects written for a newer release.
 */
public final class SkewConditions {
  public static final String VERSION_SKEW = "VersionSkew";
  public static final String FIELDS_IGNORED = "FieldsIgnored";
  public static final String FIELDS_REFUSED = "FieldsRefused";
  public static final String UNREADABLE = "Unreadable";

  private SkewConditions() {}

  /** No condition for an object this version reads completely; one otherwise. */
  public static List<Condition> of(VersionSkew skew) {
    if (skew.none()) {
      return List.of();
    }
    String reason =
        !skew.unreadable().isEmpty()
            ? UNREADABLE
            : !skew.refused().isEmpty() ? FIELDS_REFUSED : FIELDS_IGNORED;
    return List.of(Conditions.of(VERSION_SKEW, Conditions.TRUE, reason, skew.message()));
  }
}
