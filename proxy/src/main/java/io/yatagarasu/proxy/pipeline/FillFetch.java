package io.yatagarasu.proxy.pipeline;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.yatagarasu.config.BucketCacheConfig;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.cache.CacheControl;
import io.yatagarasu.proxy.cache.CachedAnswer;
import io.yatagarasu.proxy.cache.CachedObject;
import io.yatagarasu.proxy.cache.Fill;
import io.yatagarasu.proxy.cache.Freshness;
import io.yatagarasu.proxy.cache.ObjectCache;

/**
 * The one S3 fetch behind a {@link Fill}: asks for the whole object (revalidating a stale entry
 * with its validators), pours the body into the fill as it arrives and never waits for a reader. A
 * {@code 304} refreshes the stale entry; a failure lets a stale entry stand in when the bucket's
 * {@code staleIfError} allows; a {@code 404} is remembered for {@code notFoundTtl}. It runs on the
 * event loop of the request that started it, but outlives that request: the fill completes for the
 * other readers (and the cache) when that client leaves. A {@link CacheWarmer} drives it with no
 * client at all: then an answer that cannot be shared is dropped.
 */
final class FillFetch implements FetchListener, FetchRequest {
  private final ServerContext server;
  // Null when warming: no client waits for this fill.
  private final ObjectRequest leader;
  private final BucketRoute route;
  private final UpstreamConfig settings;
  private final String key;
  private final String requestId;
  private final EventLoop loop;
  private final io.netty.buffer.ByteBufAllocator alloc;
  private final Runnable onFinish;
  private final Fill fill;
  private final CachedObject stale;
  private final BucketCacheConfig policy;
  private final ObjectCache cache;
  private final HttpHeaders headers;
  private final ProxySnapshot snapshot;
  private UpstreamFetch fetch;
  private long requestTime;
  private boolean finished;
  private FillReader leaderReader;
  // The object may not be shared: the rest of S3's answer goes to the leader's client only.
  private ClientResponse passThrough;

  /**
   * @param stale the stored entry to revalidate or stand in, or null; leased by the caller for the
   *     duration of the constructor, after which this takes its own lease
   */
  FillFetch(
      ServerContext server,
      ObjectRequest leader,
      Fill fill,
      CachedObject stale,
      BucketCacheConfig policy) {
    this(
        server,
        leader,
        leader.snapshot(),
        leader.route(),
        leader.settings(),
        leader.key(),
        leader.requestId(),
        leader.eventLoop(),
        leader.ctx().alloc(),
        fill,
        stale,
        policy,
        null);
  }

  /**
   * A fill with no client: {@code onFinish} runs (on {@code loop}) once it has ended, whatever
   * became of it ({@link Fill#state()} says what).
   *
   * @param snapshot the configuration the fill runs with, retained by the caller meanwhile
   */
  FillFetch(
      ServerContext server,
      ProxySnapshot snapshot,
      BucketRoute route,
      String key,
      EventLoop loop,
      Fill fill,
      CachedObject stale,
      Runnable onFinish) {
    this(
        server,
        null,
        snapshot,
        route,
        snapshot.config().upstreamFor(route.config()),
        key,
        "warm",
        loop,
        io.netty.buffer.ByteBufAllocator.DEFAULT,
        fill,
        stale,
        route.config().cache(),
        java.util.Objects.requireNonNull(onFinish, "onFinish"));
  }

  private FillFetch(
      ServerContext server,
      ObjectRequest leader,
      ProxySnapshot snapshot,
      BucketRoute route,
      UpstreamConfig settings,
      String key,
      String requestId,
      EventLoop loop,
      io.netty.buffer.ByteBufAllocator alloc,
      Fill fill,
      CachedObject stale,
      BucketCacheConfig policy,
      Runnable onFinish) {
    this.server = server;
    this.leader = leader;
    this.route = route;
    this.settings = settings;
    this.key = key;
    this.requestId = requestId;
    this.loop = loop;
    this.alloc = alloc;
    this.onFinish = onFinish;
    this.fill = fill;
    this.stale = stale != null && stale.status() == 200 && stale.tryAcquire() ? stale : null;
    this.policy = policy;
    this.cache = server.cache();
    // The fill may outlive the leader's request: it keeps the configuration (and so the upstream
    // connection pools) it started with until it ends. The leader (or the warmer) holds a
    // reference, so this one is always granted.
    this.snapshot = snapshot.tryRetain() ? snapshot : null;
    this.headers =
        this.stale != null && this.stale.hasValidator()
            ? CachedAnswer.revalidation(this.stale)
            : UpstreamRequests.TRUSTED_HEADERS.newHeaders();
  }

  /** The reader of the client that started the fill: it may take over an unshareable answer. */
  void leaderReader(FillReader reader) {
    this.leaderReader = reader;
  }

  void start() {
    requestTime = cache.now();
    fetch = new UpstreamFetch(server.retryBudget(), this, this);
    fetch.start();
  }

  // FetchRequest: the whole object, with the stale entry's validators, on the leader's loop.

  @Override
  public BucketRoute route() {
    return route;
  }

  @Override
  public UpstreamConfig settings() {
    return settings;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  public String rawQuery() {
    return "";
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public boolean head() {
    return false;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public EventLoop eventLoop() {
    return loop;
  }

  // FetchListener

  @Override
  public void onHead(HttpResponse head) {
    long now = cache.now();
    int status = head.status().code();
    if (status == 304 && stale != null) {
      CachedObject refreshed =
          stale.refreshed(head.headers(), requestTime, now, policy.ttl().toMillis());
      if (refreshed != null) {
        refreshed.tryAcquire();
        cache.put(fill.key(), refreshed, fill.bucket());
        fill.completeWith(refreshed, "REVALIDATED");
        refreshed.release();
      } else {
        fill.fail(Fill.Failure.of(ProxyError.UPSTREAM_ERROR));
      }
      finish();
      return;
    }
    if (status != 200) {
      // A 206 or a 304 to an unconditional request: not an answer this fetch asked for.
      fill.fail(Fill.Failure.of(ProxyError.UPSTREAM_ERROR));
      fetch.cancel();
      finish();
      return;
    }
    CacheControl cc = CacheControl.parse(head.headers().getAll(HttpHeaderNames.CACHE_CONTROL));
    Freshness freshness =
        cc.storable()
            ? Freshness.of(head.headers(), requestTime, now, policy.ttl().toMillis())
            : null;
    long length = HttpUtil.getContentLength(head, -1L);
    if (!fill.start(
        CachedObject.passedOn(head.headers()), length, freshness, policy.maxObjectSize(), alloc)) {
      // Not shareable: the other readers fetch it on their own; the leader's client takes this
      // answer as an uncached one, so a large object costs one S3 request, not two.
      finish();
      if (leaderReader != null && leaderReader.takeOver()) {
        passThrough = leader.response();
        passThrough.cacheStatus("MISS", null);
        passThrough.attach(fetch);
        passThrough.onHead(head);
      } else {
        fetch.cancel();
      }
    }
  }

  @Override
  public void onBody(HttpContent chunk) {
    if (passThrough != null) {
      passThrough.onBody(chunk);
      return;
    }
    try {
      fill.append(chunk.content());
    } finally {
      chunk.release();
    }
  }

  @Override
  public void onEnd(LastHttpContent last) {
    if (passThrough != null) {
      passThrough.onEnd(last);
      return;
    }
    try {
      fill.append(last.content());
    } finally {
      last.release();
    }
    fill.complete();
    finish();
  }

  @Override
  public void onBatchEnd() {
    if (passThrough != null) {
      passThrough.onBatchEnd();
    }
    // Otherwise never paused: the body goes into a buffer of its declared size.
  }

  @Override
  public void onError(ProxyError error, long detail) {
    if (error == ProxyError.NO_SUCH_KEY && !policy.notFoundTtl().isZero()) {
      long now = cache.now();
      cache.put(
          fill.key(),
          CachedObject.notFound(
              new Freshness(now, 0, policy.notFoundTtl().toMillis(), false, true)),
          fill.bucket());
    }
    if (stale != null
        && error.status() >= 500
        && stale.freshness().usableOnError(cache.now(), policy.staleIfError().toMillis())) {
      fill.completeWith(stale, "STALE");
    } else {
      fill.fail(new Fill.Failure(error, detail));
    }
    finish();
  }

  @Override
  public void onAbort(String reason) {
    if (passThrough != null) {
      passThrough.onAbort(reason);
      return;
    }
    fill.fail(Fill.Failure.of(ProxyError.UPSTREAM_ERROR));
    finish();
  }

  /** The fill has ended (or the leader took its answer over): let go of what it held. */
  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (stale != null) {
      stale.release();
    }
    if (snapshot != null) {
      snapshot.release();
    }
    if (onFinish != null) {
      onFinish.run();
    }
  }
}
