package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.yatagarasu.proxy.ProxyError;

/**
 * Receives one {@link UpstreamFetch}'s answer, always on the fetch's event loop ({@link
 * FetchRequest#eventLoop()}), in this order:
 *
 * <pre>
 *   onHead  (onBody | onBatchEnd)*  onEnd | onAbort      S3 answered 200, 206 or 304
 *   onError                                              nothing was delivered
 * </pre>
 *
 * Exactly one ending ({@link #onEnd}, {@link #onAbort}, {@link #onError}) is called, and nothing
 * after it. A listener that is done before the fetch (its client left) calls {@link
 * UpstreamFetch#cancel()} and hears nothing more.
 *
 * <p><b>Backpressure</b>: the fetch reads as fast as S3 sends until the listener calls {@link
 * UpstreamFetch#pause()} (typically from {@link #onBatchEnd} when its slowest consumer is behind),
 * and resumes on {@link UpstreamFetch#resume()}. Chunks of the read batch in progress may still
 * arrive after {@code pause()}. A paused fetch is not timed out for a stalled body.
 *
 * <p><b>Fan-out</b> (one fetch, several consumers): keep {@code head} (its headers are not
 * reference-counted), give each consumer {@code chunk.content().retainedDuplicate()} (or {@code
 * retainedSlice()}), then release {@code chunk} once. {@link ClientResponse} is the listener that
 * streams to one client.
 */
interface FetchListener {
  /**
   * S3 answered 200, 206 or 304. {@code head} carries S3's status and headers unfiltered; it has no
   * content and is not to be released. It is the listener's: the fetch never looks at it again, so
   * the listener may keep it or change it (and send it on). From here on the fetch neither retries
   * nor fails over.
   */
  void onHead(HttpResponse head);

  /**
   * A body chunk (possibly empty). The listener owns it and must release it, or pass it on; to keep
   * it past the call (to fan it out), {@code chunk.content().retainedSlice()} it.
   */
  void onBody(HttpContent chunk);

  /**
   * The last chunk (it may carry bytes and trailers; owned by the listener as in {@link #onBody}).
   * The upstream connection is already back in its pool.
   */
  void onEnd(LastHttpContent last);

  /**
   * One read batch was delivered: flush what was passed on, and {@link UpstreamFetch#pause()} if
   * the consumer is behind. Called only between {@link #onHead} and the ending.
   */
  void onBatchEnd();

  /**
   * The fetch failed before {@link #onHead}, after every retry and replica allowed.
   *
   * @param detail for {@link ProxyError#CIRCUIT_OPEN} the seconds until a retry may succeed; for
   *     {@link ProxyError#INVALID_RANGE} the object's size, or -1 when unknown; else -1
   */
  void onError(ProxyError error, long detail);

  /**
   * The body was cut short after {@link #onHead}: {@code upstream_broken}, {@code upstream_stalled}
   * or {@code upstream_closed}. What was delivered is all there is.
   */
  void onAbort(String reason);
}
