package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.ProxySnapshot;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The upstream unit driven by a consumer that is no client (as a cache fill would), against a small
 * HTTP server on a real socket.
 */
class UpstreamFetchTest {
  private static final byte[] OBJECT = "hello, object".getBytes(StandardCharsets.US_ASCII);
  private static final String NO_SUCH_KEY =
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>";

  private static MultiThreadIoEventLoopGroup s3Group;
  private static Channel s3;
  private static PipelineFixture fixture;
  private static final List<String> paths = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws InterruptedException {
    s3Group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    s3 =
        new ServerBootstrap()
            .group(s3Group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1024))
                        .addLast(new FakeS3());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    int port = ((InetSocketAddress) s3.localAddress()).getPort();
    fixture = new PipelineFixture(URI.create("http://127.0.0.1:" + port));
  }

  @AfterAll
  static void stop() {
    s3.close().syncUninterruptibly();
    s3Group.shutdownGracefully().syncUninterruptibly();
    fixture.close();
  }

  /** Answers {@code /my-assets/present} with {@link #OBJECT} and anything else with NoSuchKey. */
  private static final class FakeS3 extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      paths.add(request.uri());
      boolean present = request.uri().startsWith("/my-assets/present");
      byte[] body = present ? OBJECT : NO_SUCH_KEY.getBytes(StandardCharsets.US_ASCII);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              present ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
              Unpooled.wrappedBuffer(body));
      response.headers().setInt("Content-Length", body.length).set("ETag", "\"e1\"");
      ctx.writeAndFlush(response);
    }
  }

  /** A fetch request of a consumer that has no client: the whole object, no client headers. */
  private record Fill(BucketRoute route, UpstreamConfig settings, String key, EventLoop eventLoop)
      implements FetchRequest {
    @Override
    public String rawQuery() {
      return "";
    }

    @Override
    public HttpHeaders headers() {
      return new DefaultHttpHeaders();
    }

    @Override
    public boolean head() {
      return false;
    }

    @Override
    public String requestId() {
      return "fill-1";
    }
  }

  /** Keeps what the fetch delivers, copying body bytes and releasing each chunk. */
  private static final class Recorder implements FetchListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final StringBuilder body = new StringBuilder();
    volatile int status;

    @Override
    public void onHead(HttpResponse head) {
      status = head.status().code();
      events.add("head");
    }

    @Override
    public void onBody(HttpContent chunk) {
      body.append(chunk.content().toString(StandardCharsets.US_ASCII));
      chunk.release();
      events.add("body");
    }

    @Override
    public void onEnd(LastHttpContent last) {
      body.append(last.content().toString(StandardCharsets.US_ASCII));
      last.release();
      events.add("end");
    }

    @Override
    public void onBatchEnd() {}

    @Override
    public void onError(ProxyError error, long detail) {
      events.add("error:" + error.code());
    }

    @Override
    public void onAbort(String reason) {
      events.add("abort:" + reason);
    }
  }

  private static Recorder fetch(String key) {
    ProxySnapshot snapshot = fixture.server.acquire();
    try {
      BucketRoute route = snapshot.routes().match("/assets/" + key).route();
      EventLoop loop = fixture.group.next();
      Fill fill = new Fill(route, snapshot.config().upstreamFor(route.config()), key, loop);
      Recorder recorder = new Recorder();
      loop.execute(() -> new UpstreamFetch(new RetryBudget(), fill, recorder).start());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  recorder.events.stream()
                      .anyMatch(
                          e -> e.equals("end") || e.startsWith("error") || e.startsWith("abort")));
      return recorder;
    } finally {
      snapshot.release();
    }
  }

  @Test
  void deliversHeadThenBodyThenEndToAConsumerWithoutAClient() {
    Recorder recorder = fetch("present");

    assertThat(recorder.status).isEqualTo(200);
    assertThat(recorder.events.get(0)).isEqualTo("head");
    assertThat(recorder.events.get(recorder.events.size() - 1)).isEqualTo("end");
    assertThat(recorder.body.toString()).isEqualTo("hello, object");
  }

  @Test
  void reportsS3sMissingKeyAsOneErrorAndNothingElse() {
    Recorder recorder = fetch("absent");

    assertThat(recorder.events).containsExactly("error:NoSuchKey");
  }

  @Test
  void asksS3ForTheKeyUnderTheBucketsName() {
    paths.clear();
    fetch("present");

    assertThat(paths).containsExactly("/my-assets/present");
  }
}
