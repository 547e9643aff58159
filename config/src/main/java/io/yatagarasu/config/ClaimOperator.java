package io.yatagarasu.config;

/** How a claim rule compares a token's claim with its value or values. */
public enum ClaimOperator implements Rules.Spelled {
  EQUALS("equals", Arity.ONE),
  NOT_EQUALS("notEquals", Arity.ONE),
  IN("in", Arity.MANY),
  CONTAINS("contains", Arity.ONE),
  CONTAINS_ANY("containsAny", Arity.MANY),
  CONTAINS_ALL("containsAll", Arity.MANY),
  PREFIX("prefix", Arity.ONE),
  EXISTS("exists", Arity.NONE),
  GT("gt", Arity.NUMBER),
  GTE("gte", Arity.NUMBER),
  LT("lt", Arity.NUMBER),
  LTE("lte", Arity.NUMBER);

  /** What an operator compares with: one {@code value}, a list of {@code values}, or nothing. */
  public enum Arity {
    NONE,
    ONE,
    NUMBER,
    MANY
  }

  private final String spelling;
  private final Arity arity;

  ClaimOperator(String spelling, Arity arity) {
    this.spelling = spelling;
    this.arity = arity;
  }

  public Arity arity() {
    return arity;
  }

  @Override
  public String spelling() {
    return spelling;
  }
}
