package io.yatagarasu.proxy.auth;

import io.yatagarasu.config.ClaimRule;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Evaluates claim rules against a token's claims. A claim that is missing or has the wrong type
 * fails the rule; nothing here throws for any token.
 */
public final class ClaimMatcher {
  private ClaimMatcher() {}

  /** The value at a claim name or dotted path ({@code org.level}), or null. */
  public static Object lookup(Map<String, Object> claims, String path) {
    Object direct = claims.get(path);
    if (direct != null || path.indexOf('.') < 0) {
      return direct;
    }
    Object current = claims;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  public static boolean matches(ClaimRule rule, Map<String, Object> claims) {
    Object claim = lookup(claims, rule.claim());
    List<String> values = rule.values();
    return switch (rule.operator()) {
      case EXISTS -> claim != null;
      case EQUALS -> scalarEquals(claim, values.get(0));
      case NOT_EQUALS -> isScalar(claim) && !scalarEquals(claim, values.get(0));
      case IN -> values.stream().anyMatch(v -> scalarEquals(claim, v));
      case PREFIX -> claim instanceof String s && s.startsWith(values.get(0));
      case CONTAINS -> contains(claim, values.get(0));
      case CONTAINS_ANY -> values.stream().anyMatch(v -> contains(claim, v));
      case CONTAINS_ALL -> isCollection(claim) && values.stream().allMatch(v -> contains(claim, v));
      case GT -> comparable(claim, values.get(0)) && compare(claim, values.get(0)) > 0;
      case GTE -> comparable(claim, values.get(0)) && compare(claim, values.get(0)) >= 0;
      case LT -> comparable(claim, values.get(0)) && compare(claim, values.get(0)) < 0;
      case LTE -> comparable(claim, values.get(0)) && compare(claim, values.get(0)) <= 0;
    };
  }

  private static boolean comparable(Object claim, String value) {
    return compare(claim, value) != NaN;
  }

  /** Marks a comparison that cannot be made (missing claim, not a number). */
  private static final int NaN = Integer.MIN_VALUE;

  private static int compare(Object claim, String value) {
    if (!(claim instanceof Number number)) {
      return NaN;
    }
    try {
      return new BigDecimal(number.toString()).compareTo(new BigDecimal(value));
    } catch (NumberFormatException e) {
      return NaN;
    }
  }

  private static boolean isScalar(Object claim) {
    return claim instanceof String || claim instanceof Number || claim instanceof Boolean;
  }

  private static boolean isCollection(Object claim) {
    return claim instanceof Collection<?> || claim instanceof String;
  }

  private static boolean scalarEquals(Object claim, String value) {
    if (claim instanceof String s) {
      return s.equals(value);
    }
    if (claim instanceof Number n) {
      try {
        return new BigDecimal(n.toString()).compareTo(new BigDecimal(value)) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (claim instanceof Boolean b) {
      return b.toString().equals(value);
    }
    return false;
  }

  /** A list claim holds the value, or a space-separated string (OAuth scopes) has it as a word. */
  private static boolean contains(Object claim, String value) {
    if (claim instanceof Collection<?> items) {
      for (Object item : items) {
        if (scalarEquals(item, value)) {
          return true;
        }
      }
      return false;
    }
    if (claim instanceof String s) {
      for (String word : s.trim().split("\\s+")) {
        if (word.equals(value)) {
          return true;
        }
      }
    }
    return false;
  }
}
