package io.yatagarasu.config;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A parsed document: the configuration and the generation it states, if any. The generation is not
 * part of the configuration's content hash: the same content under two generations is the same
 * configuration.
 */
public record ConfigDocument(ProxyConfig config, OptionalLong generation) {
  public ConfigDocument {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(generation, "generation");
    if (generation.isPresent() && generation.getAsLong() < 1) {
      throw new IllegalArgumentException(
          "generation: " + generation.getAsLong() + " (expected: >= 1)");
    }
  }
}
