package io.yatagarasu.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The object cache's meters: lookups by bucket and result, bytes served from the cache, fills that
 * failed, evictions and purges, and gauges of what the cache holds. Tags are bucket names and the
 * fixed lookup results.
 *
 * <p>{@link #lookup} and {@link #served} run on every cache hit: once a bucket's counter exists
 * they find it with plain map reads, allocating nothing (no composite key, no capturing lambda).
 */
public final class CacheMeters {
  private final MeterRegistry registry;
  // bucket -> result -> counter
  private final Map<String, Map<String, Counter>> lookups = new ConcurrentHashMap<>();
  private final Map<String, Counter> served = new ConcurrentHashMap<>();
  private final Map<String, Counter> fillsFailed = new ConcurrentHashMap<>();
  private final Map<String, Counter> warmed = new ConcurrentHashMap<>();
  private final Counter evictions;
  private final Counter purged;

  public CacheMeters(MeterRegistry registry) {
    this.registry = registry;
    this.evictions =
        Counter.builder("yatagarasu.cache.evictions")
            .description("Entries the cache evicted to stay within its byte budget")
            .register(registry);
    this.purged =
        Counter.builder("yatagarasu.cache.purged")
            .description("Entries dropped by purges and by swaps that removed their target")
            .register(registry);
  }

  /** Gauges of the cache's entries, bytes held and budget, read at each scrape. */
  public void bind(LongSupplier entries, LongSupplier bytes, LongSupplier maxBytes) {
    Gauge.builder("yatagarasu.cache.entries", entries::getAsLong)
        .description("Objects stored in the cache")
        .register(registry);
    Gauge.builder("yatagarasu.cache.bytes", bytes::getAsLong)
        .description("Bytes the cache holds against its budget: stored objects and fills in flight")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("yatagarasu.cache.max.bytes", maxBytes::getAsLong)
        .description("The cache's byte budget (cache.maxSize)")
        .baseUnit("bytes")
        .register(registry);
  }

  /** A lookup of {@code bucket}: hit, miss, stale, revalidated, coalesced or bypass. */
  public void lookup(String bucket, String result) {
    Map<String, Counter> byResult = lookups.get(bucket);
    Counter counter = byResult == null ? null : byResult.get(result);
    if (counter == null) {
      counter =
          lookups
              .computeIfAbsent(bucket, b -> new ConcurrentHashMap<>())
              .computeIfAbsent(
                  result,
                  r ->
                      Counter.builder("yatagarasu.cache.lookups")
                          .description("Cache lookups by bucket and result")
                          .tag("bucket", bucket)
                          .tag("result", r)
                          .register(registry));
    }
    counter.increment();
  }

  /** Body bytes sent to a client of {@code bucket} from the cache or a shared fill. */
  public void served(String bucket, long bytes) {
    if (bytes <= 0) {
      return;
    }
    Counter counter = served.get(bucket);
    if (counter == null) {
      counter =
          served.computeIfAbsent(
              bucket,
              b ->
                  Counter.builder("yatagarasu.cache.served.bytes")
                      .description("Body bytes sent from the cache, by bucket")
                      .baseUnit("bytes")
                      .tag("bucket", b)
                      .register(registry));
    }
    counter.increment(bytes);
  }

  /** A fill of {@code bucket} whose fetch failed. */
  public void fillFailed(String bucket) {
    fillsFailed
        .computeIfAbsent(
            bucket,
            b ->
                Counter.builder("yatagarasu.cache.fills.failed")
                    .description("Shared fetches that failed, by bucket")
                    .tag("bucket", b)
                    .register(registry))
        .increment();
  }

  /**
   * A listed key of {@code bucket} that a warm dealt with: {@code filled}, {@code fresh} (already
   * stored), {@code skipped} (not storable) or {@code failed}.
   */
  public void warmed(String bucket, String result) {
    warmed
        .computeIfAbsent(
            bucket + "\u0000" + result,
            k ->
                Counter.builder("yatagarasu.cache.warm")
                    .description("Keys listed for warming, by bucket and what became of them")
                    .tag("bucket", bucket)
                    .tag("result", result)
                    .register(registry))
        .increment();
  }

  public void evicted() {
    evictions.increment();
  }

  public void purged(int entries) {
    purged.increment(entries);
  }
}
