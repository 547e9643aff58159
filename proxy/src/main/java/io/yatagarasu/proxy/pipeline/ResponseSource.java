package io.yatagarasu.proxy.pipeline;

/**
 * What feeds a {@link ClientResponse} that is streamed: paused while the client is behind, resumed
 * when it drains, cancelled when the client leaves or the answer ends early. {@link UpstreamFetch}
 * is one; a source that replays stored chunks would be another. All calls come on the client
 * connection's event loop.
 */
interface ResponseSource {
  /** Deliver nothing more until {@link #resume()}. */
  void pause();

  /** Deliver again after {@link #pause()}. */
  void resume();

  /** Lets go of what the source holds; safe to call when it has already ended, and twice. */
  void cancel();

  /** S3's status for the access log; 0 when S3 was not asked. */
  default int upstreamStatus() {
    return 0;
  }

  /** S3's time to the head, in microseconds, for the access log; -1 when S3 was not asked. */
  default long upstreamMicros() {
    return -1;
  }
}
