package io.yatagarasu.proxy.cache;

import static io.yatagarasu.proxy.cache.CacheFixtures.TARGET;
import static io.yatagarasu.proxy.cache.CacheFixtures.bytes;
import static io.yatagarasu.proxy.cache.CacheFixtures.direct;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.yatagarasu.proxy.ProxyError;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FillTest {
  private static final long MAX_OBJECT = 1 << 20;
  private final CacheFixtures.Clock clock = new CacheFixtures.Clock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ObjectCache cache = CacheFixtures.cache(8 << 20, clock, registry);
  private final CacheKey key = new CacheKey(TARGET, "a/b.bin");

  @AfterEach
  void close() {
    cache.close();
  }

  private Freshness fresh() {
    return Freshness.of(new DefaultHttpHeaders(), clock.now(), clock.now(), 60_000);
  }

  private boolean start(Fill fill, long length) {
    return fill.start(
        CacheFixtures.headers("\"e1\""),
        length,
        fresh(),
        MAX_OBJECT,
        PooledByteBufAllocator.DEFAULT);
  }

  private static void append(Fill fill, byte[] body, int from, int to) {
    ByteBuf chunk = direct(java.util.Arrays.copyOfRange(body, from, to));
    try {
      fill.append(chunk);
    } finally {
      chunk.release();
    }
  }

  private static byte[] drain(Subscription s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b = s.next(4096); b != null; b = s.next(4096)) {
      out.writeBytes(CacheFixtures.read(b));
    }
    return out.toByteArray();
  }

  @Test
  void concurrentMissesShareOneDriver() {
    ObjectCache.Join first = cache.join(key, "assets");
    ObjectCache.Join second = cache.join(key, "assets");
    assertThat(first.driver()).isTrue();
    assertThat(second.driver()).isFalse();
    assertThat(second.fill()).isSameAs(first.fill());
    assertThat(cache.fillsInFlight()).isEqualTo(1);
    first.fill().decline();
    assertThat(cache.fillsInFlight()).isZero();
  }

  @Test
  void subscribersGetBytesAsTheyArriveNotAfterTheWholeObject() {
    byte[] body = bytes(10_000);
    Fill fill = cache.join(key, "assets").fill();
    Subscription a = fill.subscribe(() -> {});
    Subscription b = fill.subscribe(() -> {});
    assertThat(a.head()).isNull();
    assertThat(start(fill, body.length)).isTrue();
    assertThat(a.head().length()).isEqualTo(10_000);
    assertThat(a.head().xCache()).isEqualTo("MISS");
    append(fill, body, 0, 4_000);
    assertThat(drain(a)).isEqualTo(java.util.Arrays.copyOfRange(body, 0, 4_000));
    assertThat(a.finished()).isFalse();
    append(fill, body, 4_000, 10_000);
    fill.complete();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(java.util.Arrays.copyOfRange(body, 0, 4_000));
    all.writeBytes(drain(a));
    assertThat(all.toByteArray()).isEqualTo(body);
    assertThat(a.finished()).isTrue();
    assertThat(drain(b)).isEqualTo(body);
    assertThat(b.finished()).isTrue();
    a.close();
    b.close();
    CachedObject stored = cache.acquire(key);
    assertThat(stored).isNotNull();
    assertThat(CacheFixtures.read(stored.retainedSlice(0, body.length))).isEqualTo(body);
    stored.release();
  }

  @Test
  void aSlowReaderNeitherHoldsUpTheFillNorTheOthersAndStillGetsEveryByte() {
    byte[] body = bytes(500_000);
    Fill fill = cache.join(key, "assets").fill();
    Subscription slow = fill.subscribe(() -> {});
    Subscription fast = fill.subscribe(() -> {});
    start(fill, body.length);
    ByteArrayOutputStream fastOut = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += 8192) {
      append(fill, body, at, Math.min(body.length, at + 8192));
      fastOut.writeBytes(drain(fast));
    }
    fill.complete();
    assertThat(fast.finished()).isTrue();
    assertThat(fastOut.toByteArray()).isEqualTo(body);
    assertThat(slow.position()).isZero();
    // The entry is stored and then purged while the slow reader has not read a byte.
    assertThat(cache.purge("assets", List.of(), List.of(), true)).isEqualTo(1);
    assertThat(drain(slow)).isEqualTo(body);
    fast.close();
    slow.close();
  }

  @Test
  void readersOnTheirOwnThreadsAreWokenAndReadByteExactBodies() throws Exception {
    byte[] body = bytes(1 << 20);
    Fill fill = cache.join(key, "assets").fill();
    int readers = 8;
    List<ExecutorService> loops = new ArrayList<>();
    List<ByteArrayOutputStream> outs = new ArrayList<>();
    List<Subscription> subs = new ArrayList<>();
    for (int i = 0; i < readers; i++) {
      ExecutorService loop = Executors.newSingleThreadExecutor();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Subscription[] holder = new Subscription[1];
      Runnable pump =
          () -> {
            Subscription s = holder[0];
            s.awake();
            out.writeBytes(drain(s));
          };
      holder[0] = fill.subscribe(() -> loop.execute(pump));
      loops.add(loop);
      outs.add(out);
      subs.add(holder[0]);
    }
    start(fill, body.length);
    for (int at = 0; at < body.length; at += 16_384) {
      append(fill, body, at, Math.min(body.length, at + 16_384));
    }
    fill.complete();
    for (int i = 0; i < readers; i++) {
      Subscription s = subs.get(i);
      ExecutorService loop = loops.get(i);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  loop.submit(
                          () -> {
                            s.awake();
                            return s.finished();
                          })
                      .get());
    }
    for (int i = 0; i < readers; i++) {
      int n = i;
      loops.get(i).submit(() -> subs.get(n).close()).get();
      loops.get(i).shutdown();
      assertThat(loops.get(i).awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(outs.get(i).toByteArray()).isEqualTo(body);
    }
  }

  @Test
  void aFailureBeforeTheHeadReachesEveryWaiterAsTheSameError() {
    Fill fill = cache.join(key, "assets").fill();
    int[] woken = new int[1];
    Subscription a = fill.subscribe(() -> woken[0]++);
    Subscription b = fill.subscribe(() -> woken[0]++);
    Fill.Failure failure = Fill.Failure.of(ProxyError.UPSTREAM_TIMEOUT);
    fill.fail(failure);
    assertThat(woken[0]).isEqualTo(2);
    assertThat(a.state()).isEqualTo(Fill.State.FAILED);
    assertThat(a.failure()).isSameAs(failure);
    assertThat(b.failure()).isSameAs(failure);
    assertThat(cache.acquire(key)).isNull();
    assertThat(registry.get("yatagarasu.cache.fills.failed").counter().count()).isEqualTo(1);
    // The next miss drives a new fetch.
    assertThat(fill.subscribe(() -> {})).isNull();
    assertThat(cache.join(key, "assets").driver()).isTrue();
    a.close();
    b.close();
  }

  @Test
  void aFailureMidBodyStoresNothingAndFreesTheBufferOnceReadersLeave() {
    byte[] body = bytes(10_000);
    Fill fill = cache.join(key, "assets").fill();
    Subscription a = fill.subscribe(() -> {});
    start(fill, body.length);
    append(fill, body, 0, 5_000);
    ByteBuf buffer = fill.buffer();
    fill.fail(Fill.Failure.of(ProxyError.UPSTREAM_ERROR));
    assertThat(a.state()).isEqualTo(Fill.State.FAILED);
    assertThat(a.finished()).isFalse();
    assertThat(buffer.refCnt()).isEqualTo(1);
    a.close();
    assertThat(buffer.refCnt()).isZero();
    assertThat(cache.acquire(key)).isNull();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void aBodyShorterOrLongerThanDeclaredFailsTheFill() {
    byte[] body = bytes(100);
    Fill shortFill = cache.join(key, "assets").fill();
    start(shortFill, 200);
    append(shortFill, body, 0, 100);
    shortFill.complete();
    assertThat(shortFill.state()).isEqualTo(Fill.State.FAILED);

    Fill longFill = cache.join(key, "assets").fill();
    start(longFill, 50);
    append(longFill, body, 0, 100);
    assertThat(longFill.state()).isEqualTo(Fill.State.FAILED);
    assertThat(cache.acquire(key)).isNull();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void anObjectThatMayNotBeSharedIsDeclinedAndEveryoneFetchesAlone() {
    Fill tooBig = cache.join(key, "assets").fill();
    Subscription waiter = tooBig.subscribe(() -> {});
    assertThat(start(tooBig, MAX_OBJECT + 1)).isFalse();
    assertThat(waiter.state()).isEqualTo(Fill.State.DECLINED);
    waiter.close();

    Fill noStore = cache.join(key, "assets").fill();
    assertThat(
            noStore.start(
                CacheFixtures.headers(null), 10, null, MAX_OBJECT, PooledByteBufAllocator.DEFAULT))
        .isFalse();
    assertThat(noStore.state()).isEqualTo(Fill.State.DECLINED);

    Fill unknownLength = cache.join(key, "assets").fill();
    assertThat(start(unknownLength, -1)).isFalse();
    assertThat(cache.fillsInFlight()).isZero();
  }

  @Test
  void fillsInFlightCountAgainstTheBudgetAndAFillThatDoesNotFitIsDeclined() {
    ObjectCache small = CacheFixtures.cache(1000, clock, registry);
    try {
      Fill a = small.join(new CacheKey(TARGET, "a"), "assets").fill();
      assertThat(
              a.start(
                  CacheFixtures.headers(null), 600, fresh(), 1000, PooledByteBufAllocator.DEFAULT))
          .isTrue();
      assertThat(small.bytes()).isEqualTo(600);
      Fill b = small.join(new CacheKey(TARGET, "b"), "assets").fill();
      assertThat(
              b.start(
                  CacheFixtures.headers(null), 600, fresh(), 1000, PooledByteBufAllocator.DEFAULT))
          .isFalse();
      a.fail(Fill.Failure.of(ProxyError.UPSTREAM_ERROR));
      assertThat(small.bytes()).isZero();
    } finally {
      small.close();
    }
  }

  @Test
  void anObjectPurgedWhileFillingIsServedButNotStored() {
    byte[] body = bytes(1000);
    Fill fill = cache.join(key, "assets").fill();
    Subscription a = fill.subscribe(() -> {});
    start(fill, body.length);
    append(fill, body, 0, 500);
    assertThat(cache.purge("assets", List.of("a/b.bin"), List.of(), false)).isZero();
    append(fill, body, 500, 1000);
    fill.complete();
    assertThat(drain(a)).isEqualTo(body);
    a.close();
    assertThat(cache.acquire(key)).isNull();
  }

  @Test
  void aFillEndingWithAStoredEntryServesItsBytes() {
    CachedObject stale = CacheFixtures.entry("stale but usable", clock.now(), 1000);
    cache.put(key, stale, "assets");
    CachedObject leased = cache.acquire(key);
    Fill fill = cache.join(key, "assets").fill();
    Subscription a = fill.subscribe(() -> {});
    fill.completeWith(leased, "STALE");
    leased.release();
    assertThat(a.head().xCache()).isEqualTo("STALE");
    assertThat(new String(drain(a), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("stale but usable");
    assertThat(a.finished()).isTrue();
    a.close();
    assertThat(cache.fillsInFlight()).isZero();
  }

  @Test
  void aLateSubscriberOfAnEndedFillLooksTheKeyUpAgain() {
    Fill fill = cache.join(key, "assets").fill();
    start(fill, 3);
    append(fill, new byte[] {1, 2, 3}, 0, 3);
    fill.complete();
    assertThat(fill.subscribe(() -> {})).isNull();
    CachedObject stored = cache.acquire(key);
    assertThat(stored).isNotNull();
    stored.release();
  }
}
