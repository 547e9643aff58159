package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.yatagarasu.config.BucketCacheConfig;
import io.yatagarasu.proxy.cache.CachedObject;
import io.yatagarasu.proxy.cache.Fill;
import io.yatagarasu.proxy.cache.Lookup;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.cache.Subscription;

/**
 * One client reading a shared {@link Fill}: the source of its {@link ClientResponse}. A plain
 * {@code GET} streams the fill's bytes as they arrive, in slices of {@link
 * ClientResponse#MEMORY_SLICE}, paused while the client is behind, so a slow client holds back only
 * itself. A request that needs the whole entry to be answered (a precondition, a range, {@code
 * HEAD} of a stale entry) waits for the fill to complete and is answered from the stored entry. A
 * fill that fails before its head gives every reader the same error; after it, each response is cut
 * short. A fill that declines (the object may not be shared) sends each reader to S3 on its own.
 * Everything runs on the client's event loop.
 */
final class FillReader implements ResponseSource, Runnable {
  private final ServeFromCache stage;
  private final ObjectCache cache;
  private final ObjectRequest request;
  private final BucketCacheConfig policy;
  private final Fill fill;
  private final boolean driver;
  private final boolean local;
  private Subscription subscription;
  private boolean paused;
  private boolean headSent;
  private boolean done;
  private boolean counted;

  FillReader(
      ServeFromCache stage,
      ObjectCache cache,
      ObjectRequest request,
      BucketCacheConfig policy,
      Fill fill,
      boolean driver,
      boolean local) {
    this.stage = stage;
    this.cache = cache;
    this.request = request;
    this.policy = policy;
    this.fill = fill;
    this.driver = driver;
    this.local = local;
  }

  /** Subscribes and reads what is there; false when the fill had already ended (look up again). */
  boolean start() {
    subscription = fill.subscribe(() -> request.eventLoop().execute(this));
    if (subscription == null) {
      return false;
    }
    request.response().attach(this);
    run();
    return true;
  }

  boolean started() {
    return subscription != null;
  }

  @Override
  public void run() {
    if (done) {
      return;
    }
    subscription.awake();
    switch (subscription.state()) {
      case WAITING -> {}
      case DECLINED -> {
        end();
        count(Lookup.MISS);
        stage.fetchAlone(request);
      }
      case FAILED -> {
        Fill.Failure failure = subscription.failure();
        end();
        if (headSent) {
          request.response().onAbort("upstream_broken");
        } else {
          count(driver ? Lookup.MISS : Lookup.COALESCED);
          request.response().cacheStatus("MISS", null);
          request.response().onError(failure.error(), failure.detail());
        }
      }
      case STREAMING, COMPLETE -> {
        if (local || !"MISS".equals(subscription.head().xCache())) {
          answerLocally();
        } else {
          stream();
        }
      }
    }
  }

  /**
   * The fill declined an answer this client may take alone: stop reading the fill. False when the
   * client is gone, already answered, or needs the whole entry.
   */
  boolean takeOver() {
    if (done || local || headSent || request.response().isDone()) {
      return false;
    }
    end();
    count(Lookup.MISS);
    return true;
  }

  private Lookup result(String xCache) {
    return switch (xCache) {
      case "STALE" -> Lookup.STALE;
      case "REVALIDATED" -> driver ? Lookup.REVALIDATED : Lookup.COALESCED;
      default -> driver ? Lookup.MISS : Lookup.COALESCED;
    };
  }

  private void count(Lookup lookup) {
    if (!counted) {
      counted = true;
      ServeFromCache.record(cache, request, lookup);
    }
  }

  /** Waits for the whole entry, then answers from it as from any stored entry. */
  private void answerLocally() {
    if (subscription.state() != Fill.State.COMPLETE) {
      return;
    }
    String xCache = subscription.head().xCache();
    end();
    CachedObject entry = cache.acquire(fill.key());
    if (entry == null) {
      // Not stored (purged meanwhile, or the budget would not hold it): ask S3 alone.
      count(Lookup.MISS);
      stage.fetchAlone(request);
      return;
    }
    try {
      count(result(xCache));
      ServeFromCache.answer(cache, request, entry, xCache);
    } finally {
      entry.release();
    }
  }

  private void stream() {
    ClientResponse response = request.response();
    if (!headSent) {
      Fill.Head head = subscription.head();
      headSent = true;
      count(result(head.xCache()));
      var upstreamHead =
          new DefaultHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(head.status()),
              UpstreamRequests.TRUSTED_HEADERS);
      upstreamHead.headers().add(head.headers());
      upstreamHead.headers().set(HttpHeaderNames.CONTENT_LENGTH, head.length());
      response.cacheStatus("MISS", null);
      response.onHead(upstreamHead);
    }
    long before = subscription.position();
    while (!paused && !response.isDone()) {
      ByteBuf slice = subscription.next(ClientResponse.MEMORY_SLICE);
      if (slice == null) {
        break;
      }
      response.onBody(new DefaultHttpContent(slice));
    }
    cache.served(request.route().name(), subscription.position() - before);
    if (response.isDone()) {
      end();
      return;
    }
    if (subscription.finished()) {
      end();
      response.onEnd(LastHttpContent.EMPTY_LAST_CONTENT);
      return;
    }
    response.onBatchEnd();
  }

  private void end() {
    done = true;
    subscription.close();
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
    run();
  }

  @Override
  public void cancel() {
    if (subscription != null) {
      done = true;
      subscription.close();
    }
  }
}
