package io.yatagarasu.proxy.pipeline;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;

/**
 * What an {@link UpstreamFetch} asks S3 for. {@link ObjectRequest} implements it, so a client's
 * request costs no extra object; a consumer without a client (a cache fill) implements it itself,
 * for instance without the client's {@code Range} and conditionals to fetch the whole object.
 */
interface FetchRequest {
  /** The bucket: its upstream targets (primary, then replicas), credentials and meters. */
  BucketRoute route();

  /** The bucket's upstream settings (timeouts, retries). */
  UpstreamConfig settings();

  /** The object key within the bucket. */
  String key();

  /** The client's query string (only {@code versionId} and {@code partNumber} go to S3). */
  String rawQuery();

  /** The client's headers: {@code Range}, {@code If-Range} and the conditionals go to S3. */
  HttpHeaders headers();

  /** Ask with HEAD: no body is expected. */
  boolean head();

  /** For log lines only. */
  String requestId();

  /** The loop the fetch runs on; its upstream connection is taken from this loop's pool. */
  EventLoop eventLoop();
}
