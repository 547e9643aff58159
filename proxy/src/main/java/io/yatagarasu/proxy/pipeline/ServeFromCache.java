package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.config.BucketCacheConfig;
import io.yatagarasu.proxy.cache.CacheKey;
import io.yatagarasu.proxy.cache.CachedAnswer;
import io.yatagarasu.proxy.cache.CachedObject;
import io.yatagarasu.proxy.cache.Conditionals;
import io.yatagarasu.proxy.cache.Lookup;
import io.yatagarasu.proxy.cache.ObjectCache;

/**
 * The serve stage when the object cache is on: a fresh entry is answered from memory (its
 * preconditions and range included); a miss or a stale entry joins the one shared fetch of its key
 * ({@link FillFetch}), and reads its bytes as they arrive ({@link FillReader}). What the cache does
 * not take goes to {@link FetchFromS3} as before: a bucket that does not cache, a request with a
 * {@code versionId} or {@code partNumber}, and a {@code Range} or {@code HEAD} request for an
 * object that is not stored. Runs after the authorize stages, so a client the bucket refuses never
 * reaches an entry.
 */
final class ServeFromCache implements Stage {
  private final ServerContext server;
  private final Stage fetch;

  ServeFromCache(ServerContext server, Stage fetch) {
    this.server = server;
    this.fetch = fetch;
  }

  @Override
  public void enter(ObjectRequest request) {
    ObjectCache cache = server.cache();
    BucketCacheConfig policy = request.route().config().cache();
    if (cache == null || !cache.enabled() || !policy.enabled()) {
      fetch.enter(request);
      return;
    }
    if (!request.rawQuery().isEmpty() && hasObjectQuery(request.rawQuery())) {
      bypass(cache, request);
      return;
    }
    serve(cache, request, policy, CacheKey.of(request.route().target(), request.key()), true);
  }

  /**
   * Answers from the stored entry, or joins the key's fill. {@code mayRetry}: a fill that ended
   * between the lookup and the subscription is looked up once more.
   */
  void serve(
      ObjectCache cache,
      ObjectRequest request,
      BucketCacheConfig policy,
      CacheKey key,
      boolean mayRetry) {
    String bucket = request.route().name();
    long now = cache.now();
    CachedObject entry = cache.acquire(key);
    if (entry != null && entry.status() == 404 && policy.notFoundTtl().isZero()) {
      // Another bucket on the same target remembers 404s; this one asks S3.
      entry.release();
      entry = null;
    }
    try {
      if (entry != null && entry.freshness().isFresh(now)) {
        record(cache, request, Lookup.HIT);
        answer(cache, request, entry, "HIT");
        return;
      }
      boolean local =
          request.head()
              || request.headers().contains(HttpHeaderNames.RANGE)
              || Conditionals.present(request.headers());
      if (entry == null && (request.head() || request.headers().contains(HttpHeaderNames.RANGE))) {
        bypass(cache, request);
        return;
      }
      ObjectCache.Join join = cache.join(key, bucket);
      FillReader reader =
          new FillReader(this, cache, request, policy, join.fill(), join.driver(), local);
      if (join.driver()) {
        FillFetch fetch = new FillFetch(server, request, join.fill(), entry, policy);
        fetch.leaderReader(reader);
        reader.start();
        fetch.start();
        return;
      }
      if (!reader.start()) {
        if (mayRetry) {
          serve(cache, request, policy, key, false);
        } else {
          bypass(cache, request);
        }
      }
    } finally {
      if (entry != null) {
        entry.release();
      }
    }
  }

  /**
   * Counts how {@code request}'s lookup ended in the lookup metric and puts the same word on its
   * server span ({@code yatagarasu.cache.result}). Called once per request that reaches the cache.
   */
  static void record(ObjectCache cache, ObjectRequest request, Lookup lookup) {
    cache.record(request.route().name(), lookup);
    request.cacheResult(lookup.tag());
  }

  /** Sends the request to S3 without the cache. */
  void bypass(ObjectCache cache, ObjectRequest request) {
    record(cache, request, Lookup.BYPASS);
    request.response().cacheStatus("MISS", null);
    fetch.enter(request);
  }

  /** Sends the request to S3 as an uncached miss (the shared fetch declined the object). */
  void fetchAlone(ObjectRequest request) {
    request.response().cacheStatus("MISS", null);
    fetch.enter(request);
  }

  /** Answers {@code request} from {@code entry} (leased by the caller) without S3. */
  static void answer(ObjectCache cache, ObjectRequest request, CachedObject entry, String xCache) {
    CachedAnswer.Answer answer =
        CachedAnswer.answer(entry, request.headers(), request.head(), cache.now());
    ClientResponse response = request.response();
    if (answer instanceof CachedAnswer.Refuse refuse) {
      response.cacheStatus(xCache, null);
      response.onError(refuse.error(), refuse.size());
      return;
    }
    CachedAnswer.Send send = (CachedAnswer.Send) answer;
    // X-Cache and Age are set once, by the response's head.
    response.cacheStatus(xCache, send.age());
    // The answer's headers are this request's own: the head takes them as they are.
    var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, send.status(), send.headers());
    cache.served(request.route().name(), send.length());
    response.streamFromMemory(
        head,
        send.length() == 0
            ? Unpooled.EMPTY_BUFFER
            : entry.retainedSlice(send.offset(), (int) send.length()));
  }

  private static boolean hasObjectQuery(String rawQuery) {
    for (String part : rawQuery.split("&")) {
      String name = part.indexOf('=') < 0 ? part : part.substring(0, part.indexOf('='));
      if (name.equals("versionId") || name.equals("partNumber")) {
        return true;
      }
    }
    return false;
  }
}
