package io.yatagarasu.proxy.cache;

import static io.yatagarasu.proxy.cache.CacheFixtures.direct;
import static io.yatagarasu.proxy.cache.CacheFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachedObjectTest {
  private static final long NOW = 1_800_000_000_000L;

  @Test
  void aSliceCutUnderALeaseOutlivesTheStoresReference() {
    ByteBuf body = direct("hello world".getBytes(StandardCharsets.UTF_8));
    CachedObject entry =
        new CachedObject(
            200,
            CacheFixtures.headers("\"e\""),
            body,
            Freshness.of(new DefaultHttpHeaders(), NOW, NOW, 1000));
    assertThat(entry.tryAcquire()).isTrue();
    ByteBuf slice = entry.retainedSlice(6, 5);
    entry.release();
    // The store lets go (eviction): the slice still holds the bytes.
    entry.release();
    assertThat(body.refCnt()).isEqualTo(1);
    assertThat(new String(read(slice), StandardCharsets.UTF_8)).isEqualTo("world");
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void givesItsLengthAndAgeAsHeaderText() {
    CachedObject entry =
        new CachedObject(
            200,
            CacheFixtures.headers("\"e\""),
            direct(new byte[1024]),
            Freshness.of(new DefaultHttpHeaders(), NOW, NOW, 60_000));
    try {
      assertThat(entry.lengthText()).isEqualTo("1024");
      assertThat(entry.ageText(NOW + 2_100)).isEqualTo("2");
      // Within the same second the same text is given out again; the next second gets its own.
      assertThat(entry.ageText(NOW + 2_900)).isSameAs(entry.ageText(NOW + 2_100));
      assertThat(entry.ageText(NOW + 3_000)).isEqualTo("3");
      assertThat(entry.ageText(NOW + 2_500)).isEqualTo("2");
    } finally {
      entry.release();
    }
  }

  @Test
  void noLeaseOnceTheLastOneEnded() {
    ByteBuf body = direct(new byte[] {1, 2, 3});
    CachedObject entry =
        new CachedObject(
            200,
            CacheFixtures.headers(null),
            body,
            Freshness.of(new DefaultHttpHeaders(), NOW, NOW, 1000));
    entry.release();
    assertThat(entry.tryAcquire()).isFalse();
    assertThat(body.refCnt()).isZero();
    assertThatThrownBy(entry::release).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void passesOnTheHeadersTheUncachedPathCopies() {
    HttpHeaders s3 = new DefaultHttpHeaders();
    s3.set("Content-Type", "text/plain")
        .set("Content-Length", "5")
        .set("ETag", "\"e\"")
        .set("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")
        .set("Cache-Control", "max-age=5")
        .set("x-amz-meta-owner", "team-a")
        .set("x-amz-request-id", "ABC")
        .set("Server", "AmazonS3")
        .set("x-amz-version-id", "v1");
    HttpHeaders kept = CachedObject.passedOn(s3);
    assertThat(kept.names().stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)))
        .containsExactlyInAnyOrder(
            "content-type",
            "etag",
            "last-modified",
            "cache-control",
            "x-amz-meta-owner",
            "x-amz-version-id");
  }

  @Test
  void aRevalidatedEntrySharesTheBodyAndTakesTheNewValidatorsAndAge() {
    ByteBuf body = direct("abc".getBytes(StandardCharsets.UTF_8));
    HttpHeaders stored = CacheFixtures.headers("\"e1\"");
    stored.set("Cache-Control", "max-age=10");
    CachedObject old = new CachedObject(200, stored, body, Freshness.of(stored, NOW, NOW, 1000));
    HttpHeaders notModified = new DefaultHttpHeaders();
    notModified.set("ETag", "\"e1\"").set("Cache-Control", "max-age=100").set("Age", "3");
    CachedObject fresh = old.refreshed(notModified, NOW + 50_000, NOW + 50_000, 1000);
    assertThat(fresh.headers().get("Cache-Control")).isEqualTo("max-age=100");
    assertThat(fresh.headers().get("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(fresh.headers().contains("Age")).isFalse();
    assertThat(fresh.freshness().currentAge(NOW + 50_000)).isEqualTo(3_000);
    assertThat(fresh.freshness().isFresh(NOW + 50_000)).isTrue();
    old.release();
    assertThat(fresh.tryAcquire()).isTrue();
    assertThat(new String(read(fresh.retainedSlice(0, 3)), StandardCharsets.UTF_8))
        .isEqualTo("abc");
    fresh.release();
    fresh.release();
    assertThat(body.refCnt()).isZero();
  }

  @Test
  void aNegativeEntryHasNoBody() {
    CachedObject missing =
        CachedObject.notFound(Freshness.of(new DefaultHttpHeaders(), NOW, NOW, 5_000));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.length()).isZero();
    assertThat(missing.hasValidator()).isFalse();
    missing.release();
  }

  @Test
  void weighsItsBodyAndItsHeaders() {
    CachedObject entry = CacheFixtures.entry(new byte[1000], NOW, 1000);
    assertThat(entry.weight()).isGreaterThan(1000 + CachedObject.OVERHEAD);
    entry.release();
  }
}
