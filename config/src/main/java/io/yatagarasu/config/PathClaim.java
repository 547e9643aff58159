package io.yatagarasu.config;

import java.util.Objects;

/**
 * Confines a token to a folder named by one of its claims: with template {@code /reports/{claim}/},
 * a token whose {@code tenant} is {@code acme} may read only under {@code /reports/acme/}.
 */
public record PathClaim(String claim, String template) {
  public static final String PLACEHOLDER = "{claim}";

  public PathClaim {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(template, "template");
    Rules.require("claim", Rules.claimPath(claim));
    Rules.require("template", Rules.pathTemplate(template));
  }
}
