package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Decodes S3's answers on one upstream connection. The proxy never pipelines upstream, so the
 * exchange says whether the request in flight was a HEAD (whose answer has no body) instead of a
 * queue of methods; and it tells how many bytes wait undecoded, which after the end of an answer
 * means the connection is out of step and must not be reused.
 */
final class UpstreamResponseDecoder extends HttpResponseDecoder {
  private boolean head;

  UpstreamResponseDecoder(int maxInitialLine, int maxHeaderBytes, int maxChunkBytes) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxInitialLine)
            .setMaxHeaderSize(maxHeaderBytes)
            .setMaxChunkSize(maxChunkBytes));
  }

  /** The request now in flight is a HEAD: its final answer has no body, whatever it declares. */
  void expectHead(boolean head) {
    this.head = head;
  }

  /** Bytes received and not yet decoded. */
  int buffered() {
    return actualReadableBytes();
  }

  /** Whether {@code response}, a final answer to the request in flight, has no body. */
  boolean isBodyless(HttpResponse response) {
    return isContentAlwaysEmpty(response);
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    if (head && msg instanceof HttpResponse response && response.status().code() >= 200) {
      return true;
    }
    return super.isContentAlwaysEmpty(msg);
  }
}
