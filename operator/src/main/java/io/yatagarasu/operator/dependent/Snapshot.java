package io.yatagarasu.operator.dependent;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.ProxyConfig;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A rendered snapshot with its generation: what the rendered-config Secret holds.
 *
 * @param config the rendered configuration
 * @param hash its content hash
 * @param generation increases whenever the hash changes
 */
public record Snapshot(ProxyConfig config, String hash, long generation) {
  /** The key under which the reconciler hands the snapshot to the config Secret dependent. */
  public static final String CONTEXT_KEY = "yatagarasu.snapshot";

  public Snapshot {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(hash, "hash");
    if (generation < 1) {
      throw new IllegalArgumentException("generation: " + generation + " (expected: >= 1)");
    }
  }

  /** The document the proxy loads at start-up: the configuration stating its generation. */
  public String document() {
    return ConfigWriter.toJson(new ConfigDocument(config, OptionalLong.of(generation)));
  }

  @Override
  public String toString() {
    // The config holds credentials; never print it.
    return "Snapshot[generation=" + generation + ", hash=" + hash + "]";
  }
}
