package io.yatagarasu.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.cache.CachedAnswer.Refuse;
import io.yatagarasu.proxy.cache.CachedAnswer.Send;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachedAnswerTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";
  private final CachedObject entry;

  CachedAnswerTest() {
    HttpHeaders h = CacheFixtures.headers("\"e1\"");
    h.set("Last-Modified", MODIFIED).set("Cache-Control", "max-age=60").set("x-amz-meta-a", "b");
    entry =
        new CachedObject(
            200,
            h,
            CacheFixtures.direct(CacheFixtures.bytes(100)),
            Freshness.of(h, NOW - 3_000, NOW - 3_000, 1000));
  }

  @AfterEach
  void release() {
    entry.release();
  }

  private static HttpHeaders request(String... pairs) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  @Test
  void aPlainGetIsTheWholeObjectWithItsAge() {
    Send send = (Send) CachedAnswer.answer(entry, request(), false, NOW);
    assertThat(send.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(send.offset()).isZero();
    assertThat(send.length()).isEqualTo(100);
    assertThat(send.headers().get("Content-Length")).isEqualTo("100");
    assertThat(send.headers().get("ETag")).isEqualTo("\"e1\"");
    assertThat(send.headers().get("x-amz-meta-a")).isEqualTo("b");
    assertThat(send.age()).isEqualTo("3");
    // Age and X-Cache are set once, by the response.
    assertThat(send.headers().contains("Age")).isFalse();
    assertThat(send.headers().contains("X-Cache")).isFalse();
  }

  @Test
  void headGetsTheSameHeadWithoutABody() {
    Send send = (Send) CachedAnswer.answer(entry, request(), true, NOW);
    assertThat(send.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(send.headers().get("Content-Length")).isEqualTo("100");
    assertThat(send.length()).isZero();
  }

  @Test
  void aMatchingIfNoneMatchIs304WithValidatorsOnly() {
    Send send = (Send) CachedAnswer.answer(entry, request("If-None-Match", "\"e1\""), false, NOW);
    assertThat(send.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
    assertThat(send.length()).isZero();
    assertThat(send.headers().get("ETag")).isEqualTo("\"e1\"");
    assertThat(send.headers().get("Last-Modified")).isEqualTo(MODIFIED);
    assertThat(send.headers().contains("Content-Length")).isFalse();
    assertThat(send.headers().contains("Content-Type")).isFalse();
    assertThat(send.age()).isEqualTo("3");
  }

  @Test
  void aFailedIfMatchIs412() {
    assertThat(CachedAnswer.answer(entry, request("If-Match", "\"x\""), false, NOW))
        .isEqualTo(new Refuse(ProxyError.PRECONDITION_FAILED, -1));
  }

  @Test
  void aRangeIs206FromMemory() {
    Send send = (Send) CachedAnswer.answer(entry, request("Range", "bytes=10-19"), false, NOW);
    assertThat(send.status()).isEqualTo(HttpResponseStatus.PARTIAL_CONTENT);
    assertThat(send.offset()).isEqualTo(10);
    assertThat(send.length()).isEqualTo(10);
    assertThat(send.headers().get("Content-Range")).isEqualTo("bytes 10-19/100");
    assertThat(send.headers().get("Content-Length")).isEqualTo("10");
  }

  @Test
  void aRangeOnHeadHasTheRangeHeadersButNoBody() {
    Send send = (Send) CachedAnswer.answer(entry, request("Range", "bytes=-10"), true, NOW);
    assertThat(send.status()).isEqualTo(HttpResponseStatus.PARTIAL_CONTENT);
    assertThat(send.headers().get("Content-Range")).isEqualTo("bytes 90-99/100");
    assertThat(send.length()).isZero();
  }

  @Test
  void anUnsatisfiableRangeIs416WithTheSize() {
    assertThat(CachedAnswer.answer(entry, request("Range", "bytes=100-"), false, NOW))
        .isEqualTo(new Refuse(ProxyError.INVALID_RANGE, 100));
  }

  @Test
  void preconditionsComeBeforeTheRange() {
    assertThat(
            CachedAnswer.answer(
                entry, request("Range", "bytes=100-", "If-None-Match", "\"e1\""), false, NOW))
        .isInstanceOfSatisfying(
            Send.class, s -> assertThat(s.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED));
  }

  @Test
  void severalRangesGetTheWholeObject() {
    Send send = (Send) CachedAnswer.answer(entry, request("Range", "bytes=0-1,5-6"), false, NOW);
    assertThat(send.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(send.length()).isEqualTo(100);
  }

  @Test
  void aNegativeEntryIsNoSuchKey() {
    CachedObject missing =
        CachedObject.notFound(Freshness.of(new DefaultHttpHeaders(), NOW, NOW, 1000));
    assertThat(CachedAnswer.answer(missing, request(), false, NOW))
        .isEqualTo(new Refuse(ProxyError.NO_SUCH_KEY, -1));
    missing.release();
  }

  @Test
  void revalidatesWithTheStoredValidators() {
    HttpHeaders h = CachedAnswer.revalidation(entry);
    assertThat(h.get("If-None-Match")).isEqualTo("\"e1\"");
    assertThat(h.get("If-Modified-Since")).isEqualTo(MODIFIED);
  }
}
