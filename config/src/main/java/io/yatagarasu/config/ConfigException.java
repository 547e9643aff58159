package io.yatagarasu.config;

import java.util.List;

/**
 * A configuration document was rejected. Carries every problem found, each naming its path ({@code
 * buckets[2].s3.region: must not be empty}); the message is the problems, one per line.
 */
public final class ConfigException extends Exception {
  private final List<String> errors;

  public ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors: [] (expected: at least one)");
    }
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, in document order as far as the binder could tell. */
  public List<String> errors() {
    return errors;
  }
}
