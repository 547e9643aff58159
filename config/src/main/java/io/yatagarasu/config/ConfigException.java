package io.yatagarasu.config;

import java.util.List;

/**
 * A configuration document was rejected. Carries every problem found, each naming its path ({@code
 * buckets[2].s3.region: must not be empty}); the message is the problems, one per line.
 */
public final class ConfigException extends Exception {
  private final List<String> errors;
  private final List<String> unknownKeys;

  public ConfigException(List<String> errors) {
    this(errors, List.of());
  }

  /**
   * @param errors every problem, one line each
   * @param unknownKeys paths of the keys the contract does not have (each also one of the errors)
   */
  public ConfigException(List<String> errors, List<String> unknownKeys) {
    super(String.join("\n", errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors: [] (expected: at least one)");
    }
    this.errors = List.copyOf(errors);
    this.unknownKeys = List.copyOf(unknownKeys);
  }

  /** Every problem found, in document order as far as the binder could tell. */
  public List<String> errors() {
    return errors;
  }

  /**
   * Paths of the keys this release's contract does not have, e.g. {@code buckets[0].cache}: a typo
   * in a file, or a document written for a newer release.
   */
  public List<String> unknownKeys() {
    return unknownKeys;
  }
}
