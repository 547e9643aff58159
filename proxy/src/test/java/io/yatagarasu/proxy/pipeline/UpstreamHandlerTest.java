package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamHandlerTest {
  private final UpstreamHandler handler = new UpstreamHandler();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new UpstreamResponseDecoder(4096, 65536, 65536), handler);
  private final List<String> seen = new ArrayList<>();
  private Boolean reusableAtEnd;

  private final UpstreamListener listener =
      new UpstreamListener() {
        @Override
        public void onUpstreamMessage(HttpObject msg) {
          if (msg instanceof HttpResponse response) {
            seen.add(
                response.decoderResult().isFailure()
                    ? "failure"
                    : String.valueOf(response.status().code()));
            if (response.decoderResult().isFailure()) {
              // As the exchange does: a malformed answer ends its hold on the connection.
              handler.detach();
            }
          }
          if (msg instanceof HttpContent content && !(msg instanceof HttpResponse)) {
            seen.add(
                (content instanceof LastHttpContent ? "last:" : "content:")
                    + content.content().toString(StandardCharsets.ISO_8859_1));
            if (content instanceof LastHttpContent) {
              reusableAtEnd = handler.reusable(channel);
            }
          }
          ReferenceCountUtil.release(msg);
        }

        @Override
        public void onUpstreamReadComplete() {}

        @Override
        public void onUpstreamIdle() {}

        @Override
        public void onUpstreamTimeout() {
          seen.add("timeout");
        }

        @Override
        public void onUpstreamClosed(Throwable cause) {
          seen.add("closed");
        }
      };

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  private void receive(String bytes) {
    channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
  }

  @Test
  void skipsInterimAnswersAndHandsOnTheFinalOne() {
    handler.attach(listener, false);
    receive(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assertThat(seen).containsExactly("200", "last:hello");
    assertThat(reusableAtEnd).isTrue();
    assertThat(handler.reusable(channel)).isTrue();
  }

  @Test
  void treatsEndlessInterimAnswersAsMalformed() {
    handler.attach(listener, false);
    receive("HTTP/1.1 103 Early Hints\r\n\r\n".repeat(9));
    assertThat(seen).containsExactly("failure");
    assertThat(handler.reusable(channel)).isFalse();
  }

  @Test
  void treatsAnUnrequestedProtocolSwitchAsMalformed() {
    handler.attach(listener, false);
    receive("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n");
    assertThat(seen).first().isEqualTo("failure");
    assertThat(handler.reusable(channel)).isFalse();
  }

  @Test
  void isNotReusableWhenBytesFollowTheAnswer() {
    handler.attach(listener, false);
    receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA");
    assertThat(seen).containsExactly("200", "last:hello");
    assertThat(reusableAtEnd).as("bytes wait behind the answer").isFalse();
  }

  @Test
  void isNotReusableWhenTheBodyEndsWithTheConnection() {
    handler.attach(listener, false);
    receive("HTTP/1.1 200 OK\r\n\r\nhello");
    channel.finish();
    assertThat(seen).contains("200", "last:");
    assertThat(reusableAtEnd).isFalse();
  }

  @Test
  void isNotReusableBeforeTheLastChunk() {
    handler.attach(listener, false);
    receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    assertThat(handler.reusable(channel)).isFalse();
    receive("0\r\n\r\n");
    assertThat(reusableAtEnd).isTrue();
  }

  @Test
  void isNotReusableAfterConnectionClose() {
    handler.attach(listener, false);
    receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
    assertThat(reusableAtEnd).isFalse();
  }

  @Test
  void readsNoBodyForAHeadWhateverTheLengthSays() {
    handler.attach(listener, true);
    receive("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    assertThat(seen).containsExactly("200", "last:");
    assertThat(reusableAtEnd).isTrue();
    handler.attach(listener, false);
    receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assertThat(seen).containsExactly("200", "last:", "200", "last:ok");
  }

  @Test
  void closesAConnectionThatSpeaksWhileIdle() {
    handler.attach(listener, false);
    receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    handler.detach();
    receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");
    assertThat(channel.isOpen()).isFalse();
  }

  private void advanceSeconds(long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void reportsATimeoutWhenNoHeadArrivesInTime() {
    handler.attach(listener, false);
    handler.awaitHead(TimeUnit.SECONDS.toNanos(10));
    advanceSeconds(9);
    assertThat(seen).isEmpty();
    advanceSeconds(1);
    assertThat(seen).containsExactly("timeout");
  }

  @Test
  void reportsNoTimeoutOnceTheHeadArrived() {
    handler.attach(listener, false);
    handler.awaitHead(TimeUnit.SECONDS.toNanos(10));
    receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    handler.headArrived();
    advanceSeconds(30);
    assertThat(seen).containsExactly("200", "last:ok");
  }

  @Test
  void timesTheNextRequestOnTheConnectionFromItsOwnStart() {
    handler.attach(listener, false);
    handler.awaitHead(TimeUnit.SECONDS.toNanos(10));
    handler.headArrived();
    handler.detach();
    advanceSeconds(6);
    handler.attach(listener, false);
    handler.awaitHead(TimeUnit.SECONDS.toNanos(10));
    // The first request's check runs at 10 s and finds the second's deadline (16 s) ahead.
    advanceSeconds(4);
    assertThat(seen).isEmpty();
    advanceSeconds(5);
    assertThat(seen).isEmpty();
    advanceSeconds(1);
    assertThat(seen).containsExactly("timeout");
  }

  @Test
  void honoursAShorterTimeoutThanThePendingCheck() {
    handler.attach(listener, false);
    handler.awaitHead(TimeUnit.SECONDS.toNanos(60));
    handler.headArrived();
    handler.awaitHead(TimeUnit.SECONDS.toNanos(5));
    advanceSeconds(5);
    assertThat(seen).containsExactly("timeout");
  }

  @Test
  void reportsNoTimeoutToADetachedListener() {
    handler.attach(listener, false);
    handler.awaitHead(TimeUnit.SECONDS.toNanos(10));
    handler.detach();
    advanceSeconds(30);
    assertThat(seen).isEmpty();
  }
}
