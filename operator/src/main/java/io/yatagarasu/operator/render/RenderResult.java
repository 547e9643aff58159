package io.yatagarasu.operator.render;

import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.ProxyConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The rendered snapshot of one fleet, or the fleet-level problems that prevent one, and an outcome
 * for every bucket that references the fleet.
 *
 * @param config the snapshot, or null when {@code fleetProblems} is not empty
 * @param fleetProblems problems of the S3ProxyConfig itself, with their field paths
 * @param buckets one outcome per referencing bucket, in bucket-key order
 */
public record RenderResult(
    ProxyConfig config, List<String> fleetProblems, List<BucketOutcome> buckets) {
  public RenderResult {
    fleetProblems = List.copyOf(fleetProblems);
    buckets = List.copyOf(buckets);
    if ((config == null) == fleetProblems.isEmpty()) {
      throw new IllegalArgumentException(
          "config: exactly one of config and fleetProblems is expected");
    }
  }

  /** Pretty JSON of the snapshot, as the proxy reads it. */
  public String json() {
    return ConfigWriter.toJson(Objects.requireNonNull(config, "config"));
  }

  /** SHA-256 of the snapshot's canonical JSON. */
  public String hash() {
    return ConfigWriter.contentHash(Objects.requireNonNull(config, "config"));
  }

  public long acceptedCount() {
    return buckets.stream().filter(BucketOutcome::included).count();
  }

  public long rejectedCount() {
    return buckets.size() - acceptedCount();
  }

  public Map<ObjectKey, BucketOutcome> byBucket() {
    return buckets.stream().collect(Collectors.toMap(BucketOutcome::bucket, Function.identity()));
  }
}
