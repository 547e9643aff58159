package io.yatagarasu.proxy.cache;

import static io.yatagarasu.proxy.cache.CacheFixtures.OTHER_TARGET;
import static io.yatagarasu.proxy.cache.CacheFixtures.TARGET;
import static io.yatagarasu.proxy.cache.CacheFixtures.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObjectCacheTest {
  private final CacheFixtures.Clock clock = new CacheFixtures.Clock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ObjectCache cache = CacheFixtures.cache(1 << 20, clock, registry);

  @AfterEach
  void close() {
    cache.close();
  }

  private CacheKey key(String k) {
    return new CacheKey(TARGET, k);
  }

  private void put(String k, String body) {
    cache.put(key(k), entry(body, clock.now(), 60_000), "assets");
  }

  @Test
  void storesAndFindsAnEntry() {
    put("a.txt", "hello");
    CachedObject found = cache.acquire(key("a.txt"));
    assertThat(found).isNotNull();
    assertThat(new String(CacheFixtures.read(found.retainedSlice(0, 5)), StandardCharsets.UTF_8))
        .isEqualTo("hello");
    found.release();
    assertThat(cache.acquire(key("b.txt"))).isNull();
    assertThat(cache.entries()).isEqualTo(1);
  }

  @Test
  void theSameKeyUnderAnotherTargetIsAnotherEntry() {
    put("a.txt", "hello");
    assertThat(cache.acquire(new CacheKey(OTHER_TARGET, "a.txt"))).isNull();
  }

  @Test
  void replacingAnEntryFreesTheOldBody() {
    CachedObject first = entry("one", clock.now(), 60_000);
    cache.put(key("a"), first, "assets");
    cache.put(key("a"), entry("two", clock.now(), 60_000), "assets");
    assertThat(first.leases()).isZero();
  }

  @Test
  void staysWithinItsBudgetByEvictingAndFreesWhatItEvicts() {
    ObjectCache small = CacheFixtures.cache(64 * 1024, clock, registry);
    try {
      List<CachedObject> all = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        CachedObject e = entry(new byte[4096], clock.now(), 60_000);
        all.add(e);
        small.put(new CacheKey(TARGET, "k" + i), e, "assets");
      }
      small.entries();
      assertThat(small.bytes()).isLessThanOrEqualTo(64 * 1024);
      assertThat(small.entries()).isLessThan(100);
      long freed = all.stream().filter(e -> e.leases() == 0).count();
      assertThat(freed).isEqualTo(100 - small.entries());
      assertThat(registry.get("yatagarasu.cache.evictions").counter().count())
          .isEqualTo(100 - small.entries());
    } finally {
      small.close();
    }
  }

  @Test
  void aReaderKeepsAnEvictedBodyAliveUntilItsSliceIsWritten() {
    put("a", "payload");
    CachedObject leased = cache.acquire(key("a"));
    ByteBuf slice = leased.retainedSlice(0, 7);
    leased.release();
    assertThat(cache.purge(null, List.of(), List.of(), true)).isEqualTo(1);
    assertThat(leased.tryAcquire()).isFalse();
    assertThat(new String(CacheFixtures.read(slice), StandardCharsets.UTF_8)).isEqualTo("payload");
  }

  @Test
  void purgesByKeyPrefixBucketAndAllAndIsIdempotent() {
    put("img/a.png", "a");
    put("img/b.png", "b");
    put("css/site.css", "c");
    put("index.html", "d");
    cache.put(new CacheKey(OTHER_TARGET, "img/a.png"), entry("x", clock.now(), 1000), "other");
    assertThat(cache.purge("assets", List.of("index.html"), List.of(), false)).isEqualTo(1);
    assertThat(cache.purge("assets", List.of("index.html"), List.of(), false)).isZero();
    assertThat(cache.purge("assets", List.of(), List.of("img/"), false)).isEqualTo(2);
    assertThat(cache.acquire(new CacheKey(OTHER_TARGET, "img/a.png")))
        .isNotNull()
        .satisfies(CachedObject::release);
    assertThat(cache.purge(null, List.of(), List.of("img/"), false)).isEqualTo(1);
    assertThat(cache.purge("assets", List.of(), List.of(), true)).isEqualTo(1);
    assertThat(cache.entries()).isZero();
    assertThat(registry.get("yatagarasu.cache.purged").counter().count()).isEqualTo(5);
  }

  @Test
  void purgingAnUnknownBucketSaysSo() {
    assertThatThrownBy(() -> cache.purge("nope", List.of("a"), List.of(), false))
        .isInstanceOfSatisfying(
            ObjectCache.UnknownBucketException.class,
            e -> assertThat(e.bucket()).isEqualTo("nope"));
  }

  @Test
  void aSwapKeepsEntriesOfUnchangedTargetsAndDropsTheRest() {
    put("a", "kept");
    cache.put(new CacheKey(OTHER_TARGET, "b"), entry("dropped", clock.now(), 1000), "other");
    // "assets" keeps its target (say, only its credentials rotated); "other" moved elsewhere.
    int dropped =
        cache.configure(
            true, 1 << 20, Map.of("assets", TARGET, "other", "http://10.0.0.1:9000/bucket|"));
    assertThat(dropped).isEqualTo(1);
    assertThat(cache.acquire(key("a"))).isNotNull().satisfies(CachedObject::release);
    assertThat(cache.acquire(new CacheKey(OTHER_TARGET, "b"))).isNull();
  }

  @Test
  void aSwapThatRemovesABucketDropsItsEntries() {
    put("a", "gone");
    assertThat(cache.configure(true, 1 << 20, Map.of("other", OTHER_TARGET))).isEqualTo(1);
    assertThat(cache.entries()).isZero();
  }

  @Test
  void anEntryForATargetNoBucketUsesIsNotStored() {
    CachedObject orphan = entry("x", clock.now(), 1000);
    cache.put(new CacheKey("http://elsewhere|", "a"), orphan, "gone");
    assertThat(cache.entries()).isZero();
    assertThat(orphan.leases()).isZero();
  }

  @Test
  void turningTheCacheOffDropsEverythingAndStoresNothing() {
    put("a", "x");
    assertThat(cache.configure(false, 1 << 20, Map.of("assets", TARGET))).isEqualTo(1);
    assertThat(cache.enabled()).isFalse();
    put("b", "y");
    assertThat(cache.acquire(key("b"))).isNull();
    assertThat(
            cache
                .join(key("c"), "assets")
                .fill()
                .start(
                    CacheFixtures.headers(null),
                    1,
                    Freshness.of(new io.netty.handler.codec.http.DefaultHttpHeaders(), 0, 0, 0),
                    10,
                    io.netty.buffer.PooledByteBufAllocator.DEFAULT))
        .isFalse();
  }

  @Test
  void shrinkingTheBudgetEvicts() {
    for (int i = 0; i < 10; i++) {
      cache.put(key("k" + i), entry(new byte[10_000], clock.now(), 1000), "assets");
    }
    cache.configure(true, 30_000, Map.of("assets", TARGET));
    cache.entries();
    assertThat(cache.bytes()).isLessThanOrEqualTo(30_000);
    assertThat(cache.maxSize()).isEqualTo(30_000);
  }

  @Test
  void reportsPerBucketFiguresAndTheHitRatio() {
    put("a", "12345");
    cache.record("assets", Lookup.HIT);
    cache.record("assets", Lookup.HIT);
    cache.record("assets", Lookup.COALESCED);
    cache.record("assets", Lookup.MISS);
    cache.record("assets", Lookup.BYPASS);
    cache.record("other", Lookup.MISS);
    ObjectCache.Snapshot s = cache.snapshot();
    assertThat(s.enabled()).isTrue();
    assertThat(s.entries()).isEqualTo(1);
    assertThat(s.bytes()).isGreaterThan(5);
    assertThat(s.buckets().get("assets"))
        .isEqualTo(new ObjectCache.BucketSnapshot(1, s.bytes(), 3, 1));
    assertThat(s.buckets().get("other")).isEqualTo(new ObjectCache.BucketSnapshot(0, 0, 0, 1));
    assertThat(s.hitRatio()).isEqualTo(0.6);
    assertThat(
            registry
                .get("yatagarasu.cache.lookups")
                .tag("bucket", "assets")
                .tag("result", "hit")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(registry.get("yatagarasu.cache.entries").gauge().value()).isEqualTo(1);
  }

  @Test
  void countsBytesServedFromTheCache() {
    cache.served("assets", 1234);
    cache.served("assets", 0);
    assertThat(
            registry.get("yatagarasu.cache.served.bytes").tag("bucket", "assets").counter().count())
        .isEqualTo(1234);
  }

  private static io.yatagarasu.config.ProxyConfig config(String buckets) throws Exception {
    return new io.yatagarasu.config.ConfigParser(io.yatagarasu.config.Environment.of(Map.of()))
        .parseYaml(
            "server: { listen: 127.0.0.1:0 }\ncache: { enabled: true, maxSize: 4MiB }\nbuckets:\n"
                + buckets);
  }

  private static String bucket(String name, String endpoint, String key, boolean caching) {
    return "  - name: "
        + name
        + "\n    pathPrefix: /"
        + name
        + "\n    s3: { bucket: bkt, region: us-east-1, endpoint: \""
        + endpoint
        + "\", credentials: { accessKeyId: "
        + key
        + ", secretAccessKey: secret-secret } }\n"
        + "    auth: { type: public }\n    cache: { enabled: "
        + caching
        + " }\n";
  }

  @Test
  void aCredentialRotationDropsNothingAndAMovedOrUncachedBucketDropsItsEntries() throws Exception {
    var first =
        config(
            bucket("a", "http://127.0.0.1:9000", "k1", true)
                + bucket("b", "http://127.0.0.1:9001", "k1", true)
                + bucket("c", "http://127.0.0.1:9002", "k1", true));
    cache.configure(first);
    Map<String, String> targets = ObjectCache.bucketTargets(first);
    for (String b : List.of("a", "b", "c")) {
      cache.put(new CacheKey(targets.get(b), "x"), entry(b, clock.now(), 60_000), b);
    }
    assertThat(cache.entries()).isEqualTo(3);
    var rotated =
        config(
            bucket("a", "http://127.0.0.1:9000", "k2", true)
                + bucket("b", "http://127.0.0.1:9001", "k2", true)
                + bucket("c", "http://127.0.0.1:9002", "k2", true));
    assertThat(cache.configure(rotated)).isZero();
    var changed =
        config(
            bucket("a", "http://127.0.0.1:9000", "k2", true)
                + bucket("b", "http://127.0.0.1:9999", "k2", true)
                + bucket("c", "http://127.0.0.1:9002", "k2", false));
    assertThat(cache.configure(changed)).isEqualTo(2);
    assertThat(cache.acquire(new CacheKey(targets.get("a"), "x")))
        .isNotNull()
        .satisfies(CachedObject::release);
    assertThat(cache.maxSize()).isEqualTo(4 << 20);
    // A bucket that does not cache can still be named in a purge.
    assertThat(cache.purge("c", List.of("x"), List.of(), false)).isZero();
  }

  @Test
  void closingFreesEveryBody() {
    CachedObject e = entry("x", clock.now(), 1000);
    cache.put(key("a"), e, "assets");
    cache.close();
    assertThat(e.leases()).isZero();
  }
}
