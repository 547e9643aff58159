package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.yatagarasu.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 connection's flush consolidation: the answers of several streams written outside a
 * read (as upstream responses arrive) reach TLS and the socket in one flush, not one each.
 */
class Http2FlushConsolidationTest {
  private final List<ChannelHandlerContext> streams = new ArrayList<>();
  private final int[] flushes = new int[1];
  private EmbeddedChannel connection;

  @AfterEach
  void close() {
    if (connection != null) {
      connection.finishAndReleaseAll();
    }
  }

  /** The server side of one connection, as ProtocolNegotiator builds it for h2. */
  private EmbeddedChannel connection() {
    return connection(true);
  }

  private EmbeddedChannel connection(boolean consolidated) {
    // A child of a server channel, as an accepted connection is: stream 1 is then a request.
    return new EmbeddedChannel(
        new LocalServerChannel(),
        DefaultChannelId.newInstance(),
        true,
        false,
        new TlsLikeWriter(flushes),
        consolidated ? ProtocolNegotiator.flushConsolidation() : new ChannelDuplexHandler(),
        Http2Limits.serverCodec(ServerConfig.defaults()),
        new Http2MultiplexHandler(new Streams(streams)));
  }

  /**
   * In front of the connection as TLS is: holds written frames until a flush (which makes one TLS
   * write and one system call of them), and counts the flushes.
   */
  private static final class TlsLikeWriter extends ChannelOutboundHandlerAdapter {
    private final int[] flushes;
    private final List<Object> held = new ArrayList<>();
    private final List<ChannelPromise> promises = new ArrayList<>();

    TlsLikeWriter(int[] flushes) {
      this.flushes = flushes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      held.add(msg);
      promises.add(promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes[0]++;
      for (int i = 0; i < held.size(); i++) {
        ctx.write(held.get(i), promises.get(i));
      }
      held.clear();
      promises.clear();
      ctx.flush();
    }
  }

  /** Every stream's pipeline: notes the stream when its request arrives. */
  @ChannelHandler.Sharable
  private static final class Streams extends ChannelInboundHandlerAdapter {
    private final List<ChannelHandlerContext> streams;

    Streams(List<ChannelHandlerContext> streams) {
      this.streams = streams;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2HeadersFrame) {
        streams.add(ctx);
      }
      ReferenceCountUtil.release(msg);
    }
  }

  /** The client's preface, SETTINGS and {@code count} GET requests, as bytes. */
  private static ByteBuf requests(int count) {
    EmbeddedChannel client = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    ChannelHandlerContext ctx = client.pipeline().firstContext();
    DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
    for (int i = 0; i < count; i++) {
      writer.writeHeaders(
          ctx,
          1 + 2 * i,
          new DefaultHttp2Headers()
              .method("GET")
              .scheme("https")
              .authority("localhost")
              .path("/files/a.txt"),
          0,
          true,
          ctx.newPromise());
    }
    client.flush();
    CompositeByteBuf bytes = Unpooled.compositeBuffer();
    bytes.addComponent(true, Http2CodecUtil.connectionPrefaceBuf());
    for (Object out = client.readOutbound(); out != null; out = client.readOutbound()) {
      bytes.addComponent(true, (ByteBuf) out);
    }
    client.finishAndReleaseAll();
    return bytes;
  }

  /** Flushes that reach the socket for answers written to {@code count} streams at once. */
  private int flushesForAnswers(boolean consolidated, int count) {
    streams.clear();
    connection = connection(consolidated);
    connection.writeInbound(requests(count));
    connection.runPendingTasks();
    assertThat(streams).hasSize(count);
    connection.releaseOutbound();
    flushes[0] = 0;
    List<ChannelFuture> written = new ArrayList<>();
    for (ChannelHandlerContext stream : streams) {
      written.add(
          stream.writeAndFlush(
              new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true)));
    }
    connection.runPendingTasks();
    assertThat(written).allMatch(ChannelFuture::isSuccess);
    assertThat(connection.outboundMessages()).isNotEmpty();
    connection.finishAndReleaseAll();
    connection = null;
    return flushes[0];
  }

  @Test
  void answersOfStreamsWrittenTogetherShareAFlush() {
    int each = flushesForAnswers(false, 8);
    int consolidated = flushesForAnswers(true, 8);
    assertThat(each).as("a flush per answer without consolidation").isGreaterThanOrEqualTo(8);
    assertThat(consolidated).as("flushes of 8 answers written together").isLessThanOrEqualTo(2);
  }

  @Test
  void aLoneAnswerIsFlushedWithoutWaitingForAnother() {
    connection = connection();
    connection.writeInbound(requests(1));
    connection.runPendingTasks();
    assertThat(streams).hasSize(1);
    connection.releaseOutbound();
    flushes[0] = 0;

    ChannelFuture written =
        streams
            .get(0)
            .writeAndFlush(
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
    connection.runPendingTasks();
    assertThat(flushes[0]).isEqualTo(1);
    assertThat(written.isSuccess()).isTrue();
  }
}
