package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.yatagarasu.proxy.ProxyError;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The respond stage: what reaches the client, from S3 or from memory, and when. */
class ClientResponseTest {
  private static PipelineFixture fixture;
  private EmbeddedChannel channel;

  @BeforeAll
  static void start() {
    fixture = new PipelineFixture(URI.create("http://127.0.0.1:1"));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @AfterEach
  void finish() {
    channel.finishAndReleaseAll();
  }

  /** Keeps written messages unflushed (so the channel fills up) until released. */
  private static final class HeldFlush extends ChannelOutboundHandlerAdapter {
    private ChannelHandlerContext ctx;
    private boolean hold = true;
    int writes;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      writes++;
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!hold) {
        ctx.flush();
      }
    }

    void release() {
      hold = false;
      ctx.flush();
    }
  }

  /** Records what the response asks of its source. */
  private static final class RecordingSource implements ResponseSource {
    final List<String> calls = new ArrayList<>();

    @Override
    public void pause() {
      calls.add("pause");
    }

    @Override
    public void resume() {
      calls.add("resume");
    }

    @Override
    public void cancel() {
      calls.add("cancel");
    }
  }

  private static HttpResponse s3Head(int length) {
    HttpResponse head =
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, new DefaultHttpHeaders());
    head.headers()
        .set("Content-Length", length)
        .set("ETag", "\"abc\"")
        .set("x-amz-meta-colour", "blue")
        .set("x-amz-request-id", "S3-ID")
        .set("Server", "AmazonS3");
    return head;
  }

  private List<Object> outbound() {
    List<Object> out = new ArrayList<>();
    Object msg;
    while ((msg = channel.readOutbound()) != null) {
      out.add(msg);
    }
    return out;
  }

  private static long bodyBytes(List<Object> out) {
    long n = 0;
    for (Object o : out) {
      if (o instanceof HttpContent c) {
        n += c.content().readableBytes();
      }
    }
    return n;
  }

  private static void release(List<Object> out) {
    for (Object o : out) {
      io.netty.util.ReferenceCountUtil.release(o);
    }
  }

  @Test
  void streamsAStoredBodyInSlicesWithTheHeadersS3WouldHaveGiven() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    int size = 3 * ClientResponse.MEMORY_SLICE + 10;
    request.response().streamFromMemory(s3Head(size), Unpooled.wrappedBuffer(new byte[size]));

    List<Object> out = outbound();
    try {
      HttpResponse head = (HttpResponse) out.get(0);
      assertThat(head.status().code()).isEqualTo(200);
      assertThat(head.headers().get("ETag")).isEqualTo("\"abc\"");
      assertThat(head.headers().get("x-amz-meta-colour")).isEqualTo("blue");
      assertThat(head.headers().get("X-Request-Id")).isEqualTo("rid-1");
      assertThat(head.headers().contains("x-amz-request-id")).isFalse();
      assertThat(head.headers().contains("Server")).isFalse();
      assertThat(out).hasSize(1 + 4);
      assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
      assertThat(bodyBytes(out)).isEqualTo(size);
      assertThat(request.response().isDone()).isTrue();
    } finally {
      release(out);
    }
  }

  @Test
  void holdsTheRestOfAStoredBodyUntilTheClientDrains() {
    HeldFlush held = new HeldFlush();
    channel = fixture.channel(held);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    int size = 4 * ClientResponse.MEMORY_SLICE;
    request.response().streamFromMemory(s3Head(size), Unpooled.wrappedBuffer(new byte[size]));

    // The head and one slice, then the client is behind.
    assertThat(held.writes).isEqualTo(2);
    assertThat(request.response().isDone()).isFalse();

    held.release();
    List<Object> out = outbound();
    try {
      assertThat(bodyBytes(out)).isEqualTo(size);
      assertThat(out.get(out.size() - 1)).isInstanceOf(LastHttpContent.class);
      assertThat(request.response().isDone()).isTrue();
    } finally {
      release(out);
    }
  }

  @Test
  void pausesTheSourceWhileTheClientIsBehindAndResumesItWhenItDrains() {
    HeldFlush held = new HeldFlush();
    channel = fixture.channel(held);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    RecordingSource source = new RecordingSource();
    ClientResponse response = request.response();
    response.attach(source);
    response.onHead(s3Head(8192));
    response.onBody(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[4096])));
    response.onBatchEnd();
    assertThat(source.calls).containsExactly("pause");

    held.release();
    assertThat(source.calls).containsExactly("pause", "resume");
    response.onEnd(LastHttpContent.EMPTY_LAST_CONTENT);
    release(outbound());
  }

  @Test
  void writesNoBodyForAHeadRequest() {
    channel = fixture.channel();
    ObjectRequest request =
        fixture.request(channel, "/assets/a.bin", new DefaultHttpHeaders(), true);
    ClientResponse response = request.response();
    response.onHead(s3Head(5));
    ByteBuf body = Unpooled.wrappedBuffer(new byte[5]);
    response.onBody(new DefaultHttpContent(body));
    response.onEnd(LastHttpContent.EMPTY_LAST_CONTENT);

    List<Object> out = outbound();
    try {
      assertThat(body.refCnt()).isZero();
      assertThat(out).hasSize(2);
      assertThat(bodyBytes(out)).isZero();
      assertThat(((HttpResponse) out.get(0)).headers().get("Content-Length")).isEqualTo("5");
    } finally {
      release(out);
    }
  }

  @Test
  void answersAnOpenCircuitWithRetryAfter() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    request.response().onError(ProxyError.CIRCUIT_OPEN, 7);

    FullHttpResponse response = channel.readOutbound();
    try {
      assertThat(response.status().code()).isEqualTo(ProxyError.CIRCUIT_OPEN.status());
      assertThat(response.headers().get("Retry-After")).isEqualTo("7");
      assertThat(request.response().isDone()).isTrue();
    } finally {
      response.release();
    }
  }

  @Test
  void answersAnUnsatisfiableRangeWithTheObjectSize() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    request.response().onError(ProxyError.INVALID_RANGE, 1234);

    FullHttpResponse response = channel.readOutbound();
    try {
      assertThat(response.status().code()).isEqualTo(416);
      assertThat(response.headers().get("Content-Range")).isEqualTo("bytes */1234");
    } finally {
      response.release();
    }
  }

  @Test
  void cancelsTheSourceWhenTheClientLeaves() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    RecordingSource source = new RecordingSource();
    request.response().attach(source);
    request.response().onHead(s3Head(10));

    channel.close();

    assertThat(source.calls).containsExactly("cancel");
    assertThat(request.response().isDone()).isTrue();
    release(outbound());
  }

  @Test
  void closesTheConnectionWhenTheBodyIsCutShort() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    request.response().attach(new RecordingSource());
    request.response().onHead(s3Head(10));

    request.response().onAbort("upstream_closed");

    assertThat(channel.isOpen()).isFalse();
    release(outbound());
  }

  @Test
  void keepsOnlyTheHeadersS3MayTellTheClientAndTheFirstLineOfEach() {
    channel = new EmbeddedChannel();
    HttpHeaders headers = new DefaultHttpHeaders();
    headers
        .add("Server", "AmazonS3")
        .add("Content-Type", "text/plain")
        .add("Date", "Mon, 30 Nov 2026 12:00:00 GMT")
        .add("Cache-Control", "max-age=60")
        .add("x-amz-meta-colour", "blue")
        .add("Cache-Control", "no-store")
        .add("X-Amz-Meta-Shape", "round")
        .add("x-amz-meta-colour", "green")
        .add("Connection", "keep-alive")
        .add("ETag", "\"abc\"");
    // More names to drop than one scan notes down.
    for (int i = 0; i < 40; i++) {
      headers.add("x-extra-" + i, "v");
    }
    headers.add("Content-Length", "5");

    ClientResponse.keepPassedOn(headers);

    List<String> lines = new ArrayList<>();
    headers.forEach(h -> lines.add(h.getKey().toLowerCase(Locale.ROOT) + ": " + h.getValue()));
    assertThat(lines)
        .containsExactlyInAnyOrder(
            "content-type: text/plain",
            "cache-control: max-age=60",
            "x-amz-meta-colour: blue",
            "x-amz-meta-shape: round",
            "x-amz-meta-colour: green",
            "etag: \"abc\"",
            "content-length: 5");
  }

  @Test
  void sendsTheHeadItWasHandedWithItsOwnHeadersAdded() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.bin");
    HttpResponse s3 = s3Head(4);
    s3.setProtocolVersion(HttpVersion.HTTP_1_0);
    request.response().streamFromMemory(s3, Unpooled.wrappedBuffer(new byte[4]));

    List<Object> out = outbound();
    try {
      HttpResponse head = (HttpResponse) out.get(0);
      assertThat(head.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
      assertThat(head.headers().names())
          .containsExactlyInAnyOrder("Content-Length", "ETag", "x-amz-meta-colour", "x-request-id");
    } finally {
      release(out);
    }
  }
}
