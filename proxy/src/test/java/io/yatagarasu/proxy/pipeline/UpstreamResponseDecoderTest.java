package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamResponseDecoderTest {
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new UpstreamResponseDecoder(4096, 65536, 65536));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private HttpResponse decode(String head) {
    channel.writeInbound(Unpooled.copiedBuffer(head + "\r\n", StandardCharsets.ISO_8859_1));
    HttpResponse response = null;
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      if (msg instanceof HttpResponse r) {
        response = r;
      }
      ReferenceCountUtil.release(msg);
    }
    return response;
  }

  private static List<CharSequence> names(HttpResponse response) {
    List<CharSequence> names = new ArrayList<>();
    response.headers().iteratorCharSequence().forEachRemaining(e -> names.add(e.getKey()));
    return names;
  }

  @Test
  void sharesTheNamesOfTheHeadersS3SendsOnEveryAnswer() {
    String head = "HTTP/1.1 200 OK\r\nx-amz-request-id: A\r\nETag: \"e\"\r\nContent-Length: 0\r\n";
    List<CharSequence> first = names(decode(head));
    List<CharSequence> second = names(decode(head));

    assertThat(first)
        .extracting(CharSequence::toString)
        .containsExactly("x-amz-request-id", "ETag", "Content-Length");
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i)).isSameAs(first.get(i));
    }
  }

  @Test
  void keepsAnyOtherNameAsSpelled() {
    HttpResponse response =
        decode("HTTP/1.1 200 OK\r\ncontent-LENGTH: 0\r\nX-Custom-Thing: yes\r\nEtag: \"e\"\r\n");

    assertThat(names(response))
        .extracting(CharSequence::toString)
        .containsExactly("content-LENGTH", "X-Custom-Thing", "Etag");
    assertThat(response.headers().get("Content-Length")).isEqualTo("0");
    assertThat(response.headers().get("ETag")).isEqualTo("\"e\"");
    assertThat(response.headers().get("x-custom-thing")).isEqualTo("yes");
  }
}
