package io.yatagarasu.config;

import java.util.List;
import java.util.Objects;

/**
 * One rule a token's claims must satisfy. {@code claim} is a dotted path into nested claims ({@code
 * org.level}); {@code values} holds the one {@code value}, the {@code values} list, or nothing, as
 * the operator needs.
 */
public record ClaimRule(String claim, ClaimOperator operator, List<String> values) {
  public ClaimRule {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(operator, "operator");
    values = List.copyOf(Objects.requireNonNull(values, "values"));
    Rules.require("claim", Rules.claimPath(claim));
    String problem = Rules.claimValues(operator, values);
    if (problem != null) {
      throw new IllegalArgumentException(
          (operator.arity() == ClaimOperator.Arity.MANY ? "values" : "value") + ": " + problem);
    }
  }
}
