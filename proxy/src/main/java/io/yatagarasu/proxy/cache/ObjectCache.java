package io.yatagarasu.proxy.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.yatagarasu.proxy.metrics.CacheMeters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The proxy's object cache: one byte budget for every body it holds, stored and being filled.
 * Entries live in a Caffeine cache bounded by weight (W-TinyLFU admission and eviction); bodies are
 * off-heap {@link CachedObject}s. Concurrent misses of one key share one {@link Fill}. A swap keeps
 * the entries of every target still in use; purges drop entries by bucket, key and prefix.
 *
 * <p>Thread-safe; nothing here blocks: lookups, stores and purges may run on event loops.
 */
public final class ObjectCache implements AutoCloseable {
  private final LongSupplier clock;
  private final CacheMeters meters;
  private final Cache<CacheKey, CachedObject> entries;
  private final Policy.Eviction<CacheKey, CachedObject> eviction;
  private final Map<CacheKey, Fill> fills = new ConcurrentHashMap<>();
  private final Map<String, BucketStats> stats = new ConcurrentHashMap<>();
  private volatile boolean enabled;
  private volatile long maxSize;
  // Bytes reserved by fills in flight; the store's maximum is the budget less these.
  private long reserved;
  // bucket name -> target id, and target id -> bucket names, of the configuration in force.
  private volatile Map<String, String> targets = Map.of();
  private volatile Set<String> liveTargets = Set.of();

  /**
   * @param maxSize the byte budget
   * @param clock milliseconds, for freshness
   */
  public ObjectCache(boolean enabled, long maxSize, LongSupplier clock, CacheMeters meters) {
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize: " + maxSize + " (expected: >= 0)");
    }
    this.enabled = enabled;
    this.maxSize = maxSize;
    this.clock = requireNonNull(clock, "clock");
    this.meters = requireNonNull(meters, "meters");
    this.entries =
        Caffeine.newBuilder()
            .maximumWeight(maxSize)
            .weigher((CacheKey k, CachedObject v) -> v.weight())
            // Removal work runs on the thread that caused it: a release is cheap and never blocks.
            .executor(Runnable::run)
            .removalListener(
                (CacheKey k, CachedObject v, RemovalCause cause) -> {
                  if (v != null) {
                    v.release();
                  }
                  if (cause.wasEvicted()) {
                    meters.evicted();
                  }
                })
            .build();
    this.eviction = entries.policy().eviction().orElseThrow();
    meters.bind(this::entries, this::bytes, () -> this.maxSize);
  }

  /** Whether the cache is on (the top-level {@code cache.enabled}). */
  public boolean enabled() {
    return enabled;
  }

  /** The byte budget. */
  public long maxSize() {
    return maxSize;
  }

  /** Milliseconds now, on the clock freshness is computed with. */
  public long now() {
    return clock.getAsLong();
  }

  /**
   * Applies a configuration: turns the cache on or off, resizes it, and drops the entries of every
   * target that no bucket caching from it uses any more. Entries of targets still in use survive,
   * whatever else changed (credentials, policies, path prefixes).
   *
   * @return entries dropped
   */
  public int configure(io.yatagarasu.config.ProxyConfig config) {
    Map<String, String> all = bucketTargets(config);
    Set<String> caching = new HashSet<>();
    for (io.yatagarasu.config.BucketConfig bucket : config.buckets()) {
      if (bucket.cache().enabled()) {
        caching.add(all.get(bucket.name()));
      }
    }
    return configure(config.cache().enabled(), config.cache().maxSize(), all, caching);
  }

  /**
   * Like {@link #configure(io.yatagarasu.config.ProxyConfig)}, with every bucket caching.
   *
   * @param bucketTargets each bucket's name and the {@link CacheKey#targetId} of its primary target
   */
  public int configure(boolean on, long budget, Map<String, String> bucketTargets) {
    return configure(on, budget, bucketTargets, new HashSet<>(bucketTargets.values()));
  }

  private int configure(
      boolean on, long budget, Map<String, String> bucketTargets, Set<String> caching) {
    if (budget < 0) {
      throw new IllegalArgumentException("maxSize: " + budget + " (expected: >= 0)");
    }
    Map<String, String> copy = Map.copyOf(bucketTargets);
    Set<String> live = Set.copyOf(caching);
    synchronized (this) {
      this.targets = copy;
      this.liveTargets = live;
      this.maxSize = budget;
      this.enabled = on;
      eviction.setMaximum(Math.max(0, budget - reserved));
    }
    stats.keySet().retainAll(copy.keySet());
    if (!on) {
      return purge(k -> true);
    }
    return purge(k -> !live.contains(k.target()));
  }

  /** Each bucket's name and the {@link CacheKey#targetId} of its primary target. */
  public static Map<String, String> bucketTargets(io.yatagarasu.config.ProxyConfig config) {
    Map<String, String> targets = new HashMap<>();
    for (io.yatagarasu.config.BucketConfig bucket : config.buckets()) {
      targets.put(
          bucket.name(), CacheKey.targetId(io.yatagarasu.proxy.s3.S3Target.of(bucket.s3())));
    }
    return targets;
  }

  /**
   * The entry stored under {@code key}, with a reader's lease taken (release it when done), or
   * null.
   */
  public CachedObject acquire(CacheKey key) {
    if (!enabled) {
      return null;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      CachedObject entry = entries.getIfPresent(key);
      if (entry == null) {
        return null;
      }
      if (entry.tryAcquire()) {
        return entry;
      }
      // Evicted between the lookup and the lease: the map no longer holds it.
    }
    return null;
  }

  /** The fill in flight for {@code key}, or a new one whose driver the caller becomes. */
  public Join join(CacheKey key, String bucket) {
    Fill created = new Fill(this, key, bucket);
    Fill existing = fills.putIfAbsent(key, created);
    return existing == null ? new Join(created, true) : new Join(existing, false);
  }

  /** A fill to read, and whether the caller must drive it. */
  public record Join(Fill fill, boolean driver) {}

  /** Stores (or replaces) an entry: the cache takes over its store lease. */
  public void put(CacheKey key, CachedObject entry, String bucket) {
    store(key, entry, bucket);
  }

  void store(CacheKey key, CachedObject entry, String bucket) {
    if (!enabled || !liveTargets.contains(key.target())) {
      entry.release();
      return;
    }
    entries.put(key, entry);
  }

  /** Drops a stored entry only if it is still {@code expected}; true when it was dropped. */
  public boolean remove(CacheKey key, CachedObject expected) {
    return entries.asMap().remove(key, expected);
  }

  /** Reserves room for a fill's body; false when the budget cannot hold it. */
  synchronized boolean reserve(long bytes) {
    if (!enabled || bytes + reserved > maxSize) {
      return false;
    }
    reserved += bytes;
    eviction.setMaximum(maxSize - reserved);
    return true;
  }

  synchronized void unreserve(long bytes) {
    reserved = Math.max(0, reserved - bytes);
    eviction.setMaximum(Math.max(0, maxSize - reserved));
  }

  void fillEnded(Fill fill) {
    fills.remove(fill.key(), fill);
  }

  void fillFailed(Fill fill) {
    fills.remove(fill.key(), fill);
    meters.fillFailed(fill.bucket());
  }

  /**
   * Purges by a request of the admin API: in {@code bucket} (every bucket when null), the entries
   * whose key is one of {@code keys} or starts with one of {@code prefixes}, or all of them.
   *
   * @return entries dropped
   * @throws UnknownBucketException when {@code bucket} names no configured bucket
   */
  public int purge(
      String bucket, Collection<String> keys, Collection<String> prefixes, boolean all) {
    Set<String> inTargets;
    Map<String, String> current = targets;
    if (bucket == null) {
      inTargets = null;
    } else {
      String target = current.get(bucket);
      if (target == null) {
        throw new UnknownBucketException(bucket);
      }
      inTargets = Set.of(target);
    }
    Set<String> exact = Set.copyOf(keys);
    List<String> starts = List.copyOf(prefixes);
    return purge(
        k ->
            (inTargets == null || inTargets.contains(k.target()))
                && (all || exact.contains(k.key()) || startsWithAny(k.key(), starts)));
  }

  private static boolean startsWithAny(String key, List<String> prefixes) {
    for (String p : prefixes) {
      if (key.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private int purge(Predicate<CacheKey> which) {
    for (Fill fill : fills.values()) {
      if (which.test(fill.key())) {
        fill.doNotStore();
      }
    }
    int dropped = 0;
    for (CacheKey key : new ArrayList<>(entries.asMap().keySet())) {
      if (which.test(key) && entries.asMap().remove(key) != null) {
        dropped++;
      }
    }
    if (dropped > 0) {
      meters.purged(dropped);
    }
    return dropped;
  }

  /** Counts a lookup of {@code bucket} by its result, for the admin API and the metrics. */
  public void record(String bucket, Lookup result) {
    BucketStats s = stats.computeIfAbsent(bucket, b -> new BucketStats());
    if (result.hit()) {
      s.hits.increment();
    } else if (result == Lookup.MISS) {
      s.misses.increment();
    }
    meters.lookup(bucket, result.tag());
  }

  /** Counts a key a warm dealt with, by what became of it ({@code filled}, {@code fresh}, …). */
  public void warmed(String bucket, String result) {
    meters.warmed(bucket, result);
  }

  /** Counts body bytes a client was sent from the cache (or from a shared fill). */
  public void served(String bucket, long bytes) {
    meters.served(bucket, bytes);
  }

  /** Entries stored now. */
  public long entries() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /** Bytes counted against the budget now: stored entries and fills in flight. */
  public long bytes() {
    long held = eviction.weightedSize().orElse(0);
    synchronized (this) {
      return held + reserved;
    }
  }

  /** Fills in flight. */
  public int fillsInFlight() {
    return fills.size();
  }

  /** The figures of {@code GET /admin/cache}. */
  public Snapshot snapshot() {
    Map<String, String> current = targets;
    Map<String, long[]> byTarget = new HashMap<>();
    for (Map.Entry<CacheKey, CachedObject> e : entries.asMap().entrySet()) {
      long[] t = byTarget.computeIfAbsent(e.getKey().target(), k -> new long[2]);
      t[0]++;
      t[1] += e.getValue().weight();
    }
    Map<String, BucketSnapshot> buckets = new java.util.TreeMap<>();
    long hits = 0;
    long misses = 0;
    for (Map.Entry<String, String> b : current.entrySet()) {
      long[] t = byTarget.getOrDefault(b.getValue(), new long[2]);
      BucketStats s = stats.get(b.getKey());
      long h = s == null ? 0 : s.hits.sum();
      long m = s == null ? 0 : s.misses.sum();
      hits += h;
      misses += m;
      buckets.put(b.getKey(), new BucketSnapshot(t[0], t[1], h, m));
    }
    double ratio = hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    return new Snapshot(enabled, maxSize, bytes(), entries(), ratio, buckets);
  }

  /** Figures of the whole cache. */
  public record Snapshot(
      boolean enabled,
      long maxSize,
      long bytes,
      long entries,
      double hitRatio,
      Map<String, BucketSnapshot> buckets) {}

  /** Figures of one bucket: its target's entries and bytes, its lookups' hits and misses. */
  public record BucketSnapshot(long entries, long bytes, long hits, long misses) {}

  /** The bucket named in a purge is not configured. */
  public static final class UnknownBucketException extends RuntimeException {
    private final String bucket;

    public UnknownBucketException(String bucket) {
      super("unknown bucket", null, false, false);
      this.bucket = bucket;
    }

    public String bucket() {
      return bucket;
    }
  }

  private static final class BucketStats {
    final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder misses =
        new java.util.concurrent.atomic.LongAdder();
  }

  /** Drops every entry and lets go of every body the cache holds. */
  @Override
  public void close() {
    enabled = false;
    fills.values().forEach(Fill::doNotStore);
    entries.invalidateAll();
    entries.cleanUp();
  }
}
