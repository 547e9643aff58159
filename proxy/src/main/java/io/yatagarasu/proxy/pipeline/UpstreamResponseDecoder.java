package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.AsciiString;

/**
 * Decodes S3's answers on one upstream connection. The proxy never pipelines upstream, so the
 * exchange says whether the request in flight was a HEAD (whose answer has no body) instead of a
 * queue of methods; and it tells how many bytes wait undecoded, which after the end of an answer
 * means the connection is out of step and must not be reused. The names of the headers S3 and its
 * look-alikes send on every answer are shared constants instead of a new string per header (as
 * Netty's request decoder does for {@code Host} and its kind).
 */
final class UpstreamResponseDecoder extends HttpResponseDecoder {
  /** Header names as S3, nginx, Jetty (s3proxy) and MinIO spell them, by length. */
  private static final AsciiString[][] KNOWN_NAMES =
      byLength(
          "Accept-Ranges",
          "Cache-Control",
          "Connection",
          "Content-Disposition",
          "Content-Encoding",
          "Content-Language",
          "Content-Length",
          "Content-Range",
          "Content-Type",
          "Date",
          "ETag",
          "Expires",
          "Keep-Alive",
          "Last-Modified",
          "Server",
          "Strict-Transport-Security",
          "Transfer-Encoding",
          "Vary",
          "X-Amz-Id-2",
          "X-Amz-Request-Id",
          "X-Content-Type-Options",
          "X-Xss-Protection",
          "x-amz-checksum-crc32",
          "x-amz-delete-marker",
          "x-amz-id-2",
          "x-amz-request-id",
          "x-amz-server-side-encryption",
          "x-amz-storage-class",
          "x-amz-version-id");

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

  /** The shared name when the bytes spell a known one exactly (same case), else a new one. */
  @Override
  protected AsciiString splitHeaderName(byte[] sb, int start, int length) {
    if (length < KNOWN_NAMES.length) {
      for (AsciiString known : KNOWN_NAMES[length]) {
        if (spells(known, sb, start)) {
          return known;
        }
      }
    }
    return super.splitHeaderName(sb, start, length);
  }

  private static boolean spells(AsciiString known, byte[] sb, int start) {
    for (int i = 0; i < known.length(); i++) {
      if (known.byteAt(i) != sb[start + i]) {
        return false;
      }
    }
    return true;
  }

  private static AsciiString[][] byLength(String... names) {
    int longest = 0;
    for (String name : names) {
      longest = Math.max(longest, name.length());
    }
    AsciiString[][] table = new AsciiString[longest + 1][];
    for (int n = 0; n <= longest; n++) {
      final int length = n;
      table[n] =
          java.util.Arrays.stream(names)
              .filter(name -> name.length() == length)
              .map(AsciiString::cached)
              .toArray(AsciiString[]::new);
    }
    return table;
  }
}
