package io.yatagarasu.operator.crd;

/** The duration syntax of the contract, as an OpenAPI pattern. */
final class Durations {
  /** A whole number and a unit, possibly several from the largest unit down: 250ms, 1m30s. */
  static final String PATTERN = "^([0-9]{1,18}(ms|s|m|h|d))+$";

  private Durations() {}
}
