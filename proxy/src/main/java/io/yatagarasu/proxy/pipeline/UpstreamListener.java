package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpObject;

/** Receives what arrives on an upstream connection while one {@link UpstreamFetch} holds it. */
interface UpstreamListener {
  /** A decoded response part; the listener owns (and must release) it. */
  void onUpstreamMessage(HttpObject msg);

  /** The end of one read batch: time to flush and ask for more if the client keeps up. */
  void onUpstreamReadComplete();

  /** Nothing arrived for the body idle timeout (whether the proxy was reading or not). */
  void onUpstreamIdle();

  /** No response head came within the timeout {@link UpstreamHandler#awaitHead} started. */
  void onUpstreamTimeout();

  /** The connection closed or failed. */
  void onUpstreamClosed(Throwable cause);
}
