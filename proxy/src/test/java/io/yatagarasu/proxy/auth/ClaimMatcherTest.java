package io.yatagarasu.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ClaimOperator;
import io.yatagarasu.config.ClaimRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimMatcherTest {
  private static final Map<String, Object> CLAIMS =
      Map.of(
          "sub",
          "user-1",
          "tenant",
          "acme",
          "groups",
          List.of("finance", "ops"),
          "scope",
          "reports.read reports.list",
          "level",
          3L,
          "ratio",
          0.5,
          "admin",
          false,
          "org",
          Map.of("level", 4L, "name", "acme-eu"));

  private static boolean rule(String claim, ClaimOperator operator, String... values) {
    return ClaimMatcher.matches(new ClaimRule(claim, operator, List.of(values)), CLAIMS);
  }

  @Test
  void equalsAndNotEquals() {
    assertThat(rule("tenant", ClaimOperator.EQUALS, "acme")).isTrue();
    assertThat(rule("tenant", ClaimOperator.EQUALS, "other")).isFalse();
    assertThat(rule("level", ClaimOperator.EQUALS, "3")).isTrue();
    assertThat(rule("admin", ClaimOperator.EQUALS, "false")).isTrue();
    assertThat(rule("tenant", ClaimOperator.NOT_EQUALS, "other")).isTrue();
    assertThat(rule("tenant", ClaimOperator.NOT_EQUALS, "acme")).isFalse();
    // a missing claim or a list fails both
    assertThat(rule("missing", ClaimOperator.NOT_EQUALS, "x")).isFalse();
    assertThat(rule("groups", ClaimOperator.EQUALS, "finance")).isFalse();
  }

  @Test
  void inPrefixAndExists() {
    assertThat(rule("tenant", ClaimOperator.IN, "a", "acme")).isTrue();
    assertThat(rule("tenant", ClaimOperator.IN, "a", "b")).isFalse();
    assertThat(rule("sub", ClaimOperator.PREFIX, "user-")).isTrue();
    assertThat(rule("sub", ClaimOperator.PREFIX, "admin-")).isFalse();
    assertThat(rule("level", ClaimOperator.PREFIX, "3")).isFalse();
    assertThat(rule("sub", ClaimOperator.EXISTS)).isTrue();
    assertThat(rule("missing", ClaimOperator.EXISTS)).isFalse();
  }

  @Test
  void containsOnListsAndSpaceSeparatedScopes() {
    assertThat(rule("groups", ClaimOperator.CONTAINS, "finance")).isTrue();
    assertThat(rule("groups", ClaimOperator.CONTAINS, "fin")).isFalse();
    assertThat(rule("scope", ClaimOperator.CONTAINS, "reports.read")).isTrue();
    assertThat(rule("scope", ClaimOperator.CONTAINS, "reports")).isFalse();
    assertThat(rule("groups", ClaimOperator.CONTAINS_ANY, "hr", "ops")).isTrue();
    assertThat(rule("groups", ClaimOperator.CONTAINS_ANY, "hr", "it")).isFalse();
    assertThat(rule("scope", ClaimOperator.CONTAINS_ALL, "reports.read", "reports.list")).isTrue();
    assertThat(rule("scope", ClaimOperator.CONTAINS_ALL, "reports.read", "reports.write"))
        .isFalse();
    assertThat(rule("level", ClaimOperator.CONTAINS, "3")).isFalse();
    assertThat(rule("missing", ClaimOperator.CONTAINS_ALL, "x")).isFalse();
  }

  @Test
  void numericComparisons() {
    assertThat(rule("level", ClaimOperator.GT, "2")).isTrue();
    assertThat(rule("level", ClaimOperator.GT, "3")).isFalse();
    assertThat(rule("level", ClaimOperator.GTE, "3")).isTrue();
    assertThat(rule("level", ClaimOperator.LT, "4")).isTrue();
    assertThat(rule("level", ClaimOperator.LTE, "2.5")).isFalse();
    assertThat(rule("ratio", ClaimOperator.LT, "0.75")).isTrue();
    // strings and missing claims never compare, whatever the operator
    for (ClaimOperator op :
        List.of(ClaimOperator.GT, ClaimOperator.GTE, ClaimOperator.LT, ClaimOperator.LTE)) {
      assertThat(rule("tenant", op, "1")).as(op.toString()).isFalse();
      assertThat(rule("missing", op, "1")).as(op.toString()).isFalse();
    }
  }

  @Test
  void followsDottedPathsIntoNestedClaims() {
    assertThat(rule("org.level", ClaimOperator.GTE, "3")).isTrue();
    assertThat(rule("org.name", ClaimOperator.PREFIX, "acme")).isTrue();
    assertThat(rule("org.missing.deeper", ClaimOperator.EXISTS)).isFalse();
    assertThat(rule("tenant.deeper", ClaimOperator.EXISTS)).isFalse();
  }
}
