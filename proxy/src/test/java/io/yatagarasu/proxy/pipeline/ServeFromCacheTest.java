package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.yatagarasu.proxy.cache.CacheKey;
import io.yatagarasu.proxy.cache.CachedObject;
import io.yatagarasu.proxy.cache.Freshness;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.metrics.CacheMeters;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache's serve stage on an embedded connection: what it answers itself, what it hands on. */
class ServeFromCacheTest {
  private final ObjectCache cache =
      new ObjectCache(
          true, 1 << 20, System::currentTimeMillis, new CacheMeters(new SimpleMeterRegistry()));
  private final PipelineFixture fixture =
      new PipelineFixture(URI.create("http://127.0.0.1:9"), cache);
  private final StageRecorder next = new StageRecorder();
  private final ServeFromCache stage = new ServeFromCache(fixture.server, next);
  private final EmbeddedChannel channel = fixture.channel();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    cache.close();
    fixture.close();
  }

  private void store(String key, String body, long ttl) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(bytes.length);
    buf.writeBytes(bytes);
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("Content-Type", "text/plain").set("ETag", "\"e1\"");
    long now = cache.now();
    cache.put(
        new CacheKey(target(), key),
        new CachedObject(200, h, buf, Freshness.of(h, now, now, ttl)),
        "assets");
  }

  private String target() {
    return ObjectCache.bucketTargets(fixture.snapshots.current().config()).get("assets");
  }

  /** The head and body written to the client; releases everything read. */
  private String written(HttpResponse[] head) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
      if (o instanceof HttpResponse r) {
        head[0] = r;
      }
      if (o instanceof HttpContent c) {
        ByteBuf b = c.content();
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        body.writeBytes(bytes);
      }
      ReferenceCountUtil.release(o);
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  @Test
  void answersAFreshEntryFromMemoryWithoutTheNextStage() {
    store("logo.txt", "stored bytes", 60_000);
    stage.enter(fixture.request(channel, "/assets/logo.txt"));
    channel.runPendingTasks();
    HttpResponse[] head = new HttpResponse[1];
    assertThat(written(head)).isEqualTo("stored bytes");
    assertThat(head[0].status().code()).isEqualTo(200);
    assertThat(head[0].headers().get("X-Cache")).isEqualTo("HIT");
    assertThat(head[0].headers().get("Age")).isEqualTo("0");
    assertThat(head[0].headers().get("Content-Length")).isEqualTo("12");
    assertThat(head[0].headers().get("X-Request-Id")).isEqualTo("rid-1");
    assertThat(next.entered).isEmpty();
  }

  @Test
  void answersARangeOfAnEntryWithoutTheNextStage() {
    store("logo.txt", "stored bytes", 60_000);
    HttpHeaders h = new DefaultHttpHeaders().set("Range", "bytes=7-");
    stage.enter(fixture.request(channel, "/assets/logo.txt", h, false));
    channel.runPendingTasks();
    HttpResponse[] head = new HttpResponse[1];
    assertThat(written(head)).isEqualTo("bytes");
    assertThat(head[0].status().code()).isEqualTo(206);
    assertThat(head[0].headers().get("Content-Range")).isEqualTo("bytes 7-11/12");
  }

  @Test
  void handsARangeOrHeadOfAnObjectNotStoredToS3() {
    HttpHeaders h = new DefaultHttpHeaders().set("Range", "bytes=0-1");
    ObjectRequest range = fixture.request(channel, "/assets/absent.txt", h, false);
    stage.enter(range);
    assertThat(next.entered).containsExactly(range);
    range.response().clientClosed();
  }

  @Test
  void handsAVersionedRequestToS3() {
    HttpHeaders none = new DefaultHttpHeaders();
    ProxyFrontendHandler frontend = channel.pipeline().get(ProxyFrontendHandler.class);
    ObjectRequest plain = fixture.request(channel, "/assets/v.txt", none, false);
    // The fixture's requests carry no query; one with versionId never touches the cache.
    ObjectRequest versioned =
        new ObjectRequest(
            frontend,
            plain.ctx(),
            fixture.server,
            plain.snapshot(),
            plain.route(),
            plain.path(),
            plain.key(),
            "versionId=3",
            none,
            new ProxyFrontendHandler.RequestInfo(
                "rid-2", "127.0.0.1", "GET", plain.path(), false, System.nanoTime()),
            true);
    plain.snapshot().tryRetain();
    stage.enter(versioned);
    assertThat(next.entered).containsExactly(versioned);
    versioned.response().clientClosed();
    plain.response().clientClosed();
  }

  @Test
  void aBucketThatDoesNotCacheGoesStraightOn() {
    cache.configure(
        false, 1 << 20, ObjectCache.bucketTargets(fixture.snapshots.current().config()));
    store("logo.txt", "stored bytes", 60_000);
    ObjectRequest request = fixture.request(channel, "/assets/logo.txt");
    stage.enter(request);
    assertThat(next.entered).containsExactly(request);
    request.response().clientClosed();
  }
}
