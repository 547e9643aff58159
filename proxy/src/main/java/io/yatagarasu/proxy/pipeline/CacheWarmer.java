package io.yatagarasu.proxy.pipeline;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.cache.CacheKey;
import io.yatagarasu.proxy.cache.CachedObject;
import io.yatagarasu.proxy.cache.Fill;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.cache.Subscription;
import io.yatagarasu.proxy.routing.RoutingTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches listed keys into the object cache before any client asks for them: the keys of every
 * bucket's {@code cache.warm} after each configuration becomes current, and the keys of a {@code
 * POST /admin/cache/warm}. A key already fresh in the cache costs nothing; the others go through
 * the fill a client miss uses ({@link FillFetch}: the signed GET with the bucket's credentials,
 * {@code maxObjectSize}, the {@code Cache-Control} rules), and join a client's fill of the same key
 * instead of fetching it twice.
 *
 * <p>At most {@code parallelism} keys are fetched at a time for the whole proxy, so a long list
 * never crowds out client traffic. The queue is kept here, off the event loops; a loop only starts
 * a fetch (as it does for a client miss) and hears when it ended. A configuration's warm is
 * abandoned when a newer one becomes current (the newer one warms its own list); a warm asked
 * through the admin API runs to its end, since its caller waits for the counts.
 */
public final class CacheWarmer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CacheWarmer.class);

  /** What became of one listed key. */
  public enum Result {
    /** Fetched from S3 and stored (or revalidated), or stored by a client's fetch it joined. */
    FILLED,
    /** Already fresh in the cache: nothing fetched. */
    FRESH,
    /** Not storable: larger than {@code maxObjectSize}, {@code no-store}, no room. */
    SKIPPED,
    /** S3 failed or the object does not exist. */
    FAILED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a warm ended, key by key. */
  public record Counts(int filled, int fresh, int skipped, int failed) {}

  /** A warm asked for a bucket that does not cache. */
  public static final class NotCachedException extends RuntimeException {
    public NotCachedException(String message) {
      super(message, null, false, false);
    }
  }

  private final ServerContext server;
  private final SnapshotManager snapshots;
  private final EventLoopGroup loops;
  private final int parallelism;
  private final ArrayDeque<Task> queue = new ArrayDeque<>();
  private int running;
  private Run current;
  private boolean closed;

  /**
   * @param loops where the fetches run (the data plane's loops, whose upstream pools they use)
   * @param parallelism keys fetched at a time, for the whole proxy
   */
  public CacheWarmer(
      ServerContext server, SnapshotManager snapshots, EventLoopGroup loops, int parallelism) {
    this.server = requireNonNull(server, "server");
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.loops = requireNonNull(loops, "loops");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism: " + parallelism + " (expected: >= 1)");
    }
    this.parallelism = parallelism;
  }

  /**
   * Warms the listed keys of {@code snapshot}, which just became current, abandoning the warm of
   * the configuration it replaced. Quick: it only queues the keys.
   */
  public void onApplied(ProxySnapshot snapshot) {
    List<Task> tasks = new ArrayList<>();
    Run run = null;
    ObjectCache cache = server.cache();
    if (cache != null && cache.enabled() && snapshot.tryRetain()) {
      run = new Run(snapshot, true);
      for (BucketConfig bucket : snapshot.config().buckets()) {
        BucketRoute route = route(snapshot, bucket.name());
        if (route != null && bucket.cache().enabled()) {
          for (String key : bucket.cache().warm()) {
            tasks.add(new Task(run, route, key));
          }
        }
      }
    }
    synchronized (this) {
      if (current != null) {
        current.abandon();
        queue.removeIf(t -> t.run.abandoned.get() && t.run.drop());
      }
      current = run;
      if (run != null) {
        run.expect(tasks.size());
        if (closed) {
          run.abandon();
        } else {
          queue.addAll(tasks);
        }
      }
    }
    if (run != null) {
      if (!tasks.isEmpty()) {
        LOG.info("cache warm started keys={} generation={}", tasks.size(), snapshot.generation());
      }
      run.sealed();
    }
    pump();
  }

  /**
   * Warms {@code keys} of {@code bucket} now; the future completes with the counts once every key
   * has been dealt with.
   *
   * @throws ObjectCache.UnknownBucketException when no bucket has that name
   * @throws NotCachedException when the cache or the bucket's cache is off
   */
  public CompletableFuture<Counts> warm(String bucket, List<String> keys) {
    ProxySnapshot snapshot = snapshots.acquire();
    if (snapshot == null) {
      throw new ObjectCache.UnknownBucketException(bucket);
    }
    try {
      BucketRoute route = route(snapshot, bucket);
      if (route == null) {
        throw new ObjectCache.UnknownBucketException(bucket);
      }
      ObjectCache cache = server.cache();
      if (cache == null || !cache.enabled()) {
        throw new NotCachedException("the object cache is off (cache.enabled: false)");
      }
      if (!route.config().cache().enabled()) {
        throw new NotCachedException(
            "bucket " + bucket + " does not cache (its cache.enabled is false)");
      }
      Run run = new Run(snapshot, false);
      snapshot = null;
      run.expect(keys.size());
      synchronized (this) {
        for (String key : keys) {
          queue.add(new Task(run, route, key));
        }
      }
      run.sealed();
      pump();
      return run.done;
    } finally {
      if (snapshot != null) {
        snapshot.release();
      }
    }
  }

  /** Keys waiting for their turn, and keys being fetched now. */
  public synchronized int[] state() {
    return new int[] {queue.size(), running};
  }

  /** Drops every queued key; fetches in flight end on their own. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (current != null) {
        current.abandon();
      }
      List<Task> left = new ArrayList<>(queue);
      queue.clear();
      left.forEach(t -> t.run.drop());
    }
  }

  private static BucketRoute route(ProxySnapshot snapshot, String bucket) {
    for (BucketConfig config : snapshot.config().buckets()) {
      if (config.name().equals(bucket)) {
        RoutingTable.Match<BucketRoute> match = snapshot.routes().match(config.pathPrefix());
        return match != null && match.route().name().equals(bucket) ? match.route() : null;
      }
    }
    return null;
  }

  /** Starts queued keys while fewer than {@code parallelism} are in flight. */
  private void pump() {
    List<Task> start = new ArrayList<>();
    synchronized (this) {
      while (running < parallelism && !queue.isEmpty()) {
        Task task = queue.poll();
        if (task.run.abandoned.get()) {
          task.run.drop();
          continue;
        }
        running++;
        start.add(task);
      }
    }
    for (Task task : start) {
      EventLoop loop = loops.next();
      try {
        loop.execute(() -> begin(task, loop));
      } catch (RuntimeException e) {
        // The loops are shutting down.
        finished(task, Result.FAILED);
      }
    }
  }

  /** On {@code loop}: a fresh entry counts, else the key's fill is joined or started. */
  private void begin(Task task, EventLoop loop) {
    ObjectCache cache = server.cache();
    BucketRoute route = task.route;
    if (task.run.abandoned.get()) {
      finished(task, null);
      return;
    }
    if (!cache.enabled()) {
      finished(task, Result.SKIPPED);
      return;
    }
    CacheKey key = CacheKey.of(route.target(), task.key);
    CachedObject entry = cache.acquire(key);
    try {
      if (entry != null && entry.status() == 200 && entry.freshness().isFresh(cache.now())) {
        finished(task, Result.FRESH);
        return;
      }
      ObjectCache.Join join = cache.join(key, route.name());
      Fill fill = join.fill();
      if (join.driver()) {
        new FillFetch(
                server,
                task.run.snapshot,
                route,
                task.key,
                loop,
                fill,
                entry,
                () -> finished(task, resultOf(fill)))
            .start();
        return;
      }
      // A client is fetching it already: wait for that fill to end.
      AtomicBoolean ended = new AtomicBoolean();
      Subscription[] held = new Subscription[1];
      Runnable check =
          () -> {
            Fill.State s = fill.state();
            if (s != Fill.State.WAITING
                && s != Fill.State.STREAMING
                && ended.compareAndSet(false, true)) {
              if (held[0] != null) {
                held[0].close();
              }
              finished(task, resultOf(fill));
            }
          };
      Subscription subscription = fill.subscribe(() -> loop.execute(check));
      if (subscription == null) {
        ended.set(true);
        finished(task, resultOf(fill));
        return;
      }
      held[0] = subscription;
      check.run();
    } finally {
      if (entry != null) {
        entry.release();
      }
    }
  }

  private static Result resultOf(Fill fill) {
    return switch (fill.state()) {
      case COMPLETE -> "STALE".equals(fill.head().xCache()) ? Result.FAILED : Result.FILLED;
      case DECLINED -> Result.SKIPPED;
      default -> Result.FAILED;
    };
  }

  /** One key dealt with ({@code result} null: abandoned); the next one may start. */
  private void finished(Task task, Result result) {
    if (result != null) {
      server.cache().warmed(task.route.name(), result.tag());
    }
    task.run.count(result);
    synchronized (this) {
      running--;
    }
    pump();
  }

  private record Task(Run run, BucketRoute route, String key) {}

  /** The keys of one warm: the configuration it runs with, its counts, its end. */
  private static final class Run {
    final ProxySnapshot snapshot;
    final boolean abandonable;
    final AtomicBoolean abandoned = new AtomicBoolean();
    final CompletableFuture<Counts> done = new CompletableFuture<>();
    final AtomicInteger[] counts = {
      new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicInteger()
    };
    // Keys not yet dealt with, plus one until every key is queued.
    final AtomicInteger left = new AtomicInteger(1);

    Run(ProxySnapshot snapshot, boolean abandonable) {
      this.snapshot = snapshot;
      this.abandonable = abandonable;
    }

    void expect(int keys) {
      left.addAndGet(keys);
    }

    void sealed() {
      countDown();
    }

    void abandon() {
      if (abandonable) {
        abandoned.set(true);
      }
    }

    /** A key that will not be dealt with; true, for {@code removeIf}. */
    boolean drop() {
      countDown();
      return true;
    }

    void count(Result result) {
      if (result != null) {
        counts[result.ordinal()].incrementAndGet();
      }
      countDown();
    }

    private void countDown() {
      if (left.decrementAndGet() == 0) {
        snapshot.release();
        Counts c = new Counts(counts[0].get(), counts[1].get(), counts[2].get(), counts[3].get());
        if (abandonable
            && !abandoned.get()
            && c.filled() + c.fresh() + c.skipped() + c.failed() > 0) {
          LOG.info(
              "cache warm done filled={} fresh={} skipped={} failed={} generation={}",
              c.filled(),
              c.fresh(),
              c.skipped(),
              c.failed(),
              snapshot.generation());
        }
        done.complete(c);
      }
    }
  }
}
