package io.yatagarasu.proxy.cache;

import static io.yatagarasu.proxy.cache.Conditionals.Outcome.NOT_MODIFIED;
import static io.yatagarasu.proxy.cache.Conditionals.Outcome.PRECONDITION_FAILED;
import static io.yatagarasu.proxy.cache.Conditionals.Outcome.PROCEED;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class ConditionalsTest {
  private static final String ETAG = "\"abc\"";
  private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";
  private static final String BEFORE = "Sat, 05 Nov 1994 08:49:37 GMT";
  private static final String AFTER = "Mon, 07 Nov 1994 08:49:37 GMT";

  private static Conditionals.Outcome eval(String... pairs) {
    return evalAgainst(ETAG, MODIFIED, pairs);
  }

  private static Conditionals.Outcome evalAgainst(String etag, String modified, String... pairs) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    return Conditionals.evaluate(h, etag, modified);
  }

  @Test
  void noPreconditionProceeds() {
    assertThat(eval()).isEqualTo(PROCEED);
    assertThat(Conditionals.present(new DefaultHttpHeaders())).isFalse();
  }

  @Test
  void ifNoneMatchWithTheCurrentTagIsNotModified() {
    assertThat(eval("If-None-Match", ETAG)).isEqualTo(NOT_MODIFIED);
    assertThat(eval("If-None-Match", "\"x\", " + ETAG)).isEqualTo(NOT_MODIFIED);
    assertThat(eval("If-None-Match", "\"x\"")).isEqualTo(PROCEED);
    assertThat(eval("If-None-Match", "*")).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifNoneMatchComparesWeakly() {
    assertThat(eval("If-None-Match", "W/" + ETAG)).isEqualTo(NOT_MODIFIED);
    assertThat(evalAgainst("W/\"abc\"", MODIFIED, "If-None-Match", ETAG)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifNoneMatchSpreadOverTwoLinesIsOneList() {
    assertThat(eval("If-None-Match", "\"x\"", "If-None-Match", ETAG)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifMatchComparesStronglyAndFailsWith412() {
    assertThat(eval("If-Match", ETAG)).isEqualTo(PROCEED);
    assertThat(eval("If-Match", "*")).isEqualTo(PROCEED);
    assertThat(eval("If-Match", "\"other\"")).isEqualTo(PRECONDITION_FAILED);
    assertThat(eval("If-Match", "W/" + ETAG)).isEqualTo(PRECONDITION_FAILED);
    assertThat(evalAgainst("W/\"abc\"", MODIFIED, "If-Match", "W/\"abc\""))
        .isEqualTo(PRECONDITION_FAILED);
    assertThat(evalAgainst(null, MODIFIED, "If-Match", ETAG)).isEqualTo(PRECONDITION_FAILED);
  }

  @Test
  void ifUnmodifiedSinceFailsWhenModifiedLater() {
    assertThat(eval("If-Unmodified-Since", MODIFIED)).isEqualTo(PROCEED);
    assertThat(eval("If-Unmodified-Since", AFTER)).isEqualTo(PROCEED);
    assertThat(eval("If-Unmodified-Since", BEFORE)).isEqualTo(PRECONDITION_FAILED);
  }

  @Test
  void ifMatchOverridesIfUnmodifiedSinceAsS3Does() {
    assertThat(eval("If-Match", ETAG, "If-Unmodified-Since", BEFORE)).isEqualTo(PROCEED);
  }

  @Test
  void ifModifiedSinceIsNotModifiedUnlessChangedLater() {
    assertThat(eval("If-Modified-Since", MODIFIED)).isEqualTo(NOT_MODIFIED);
    assertThat(eval("If-Modified-Since", AFTER)).isEqualTo(NOT_MODIFIED);
    assertThat(eval("If-Modified-Since", BEFORE)).isEqualTo(PROCEED);
  }

  @Test
  void ifNoneMatchOverridesIfModifiedSinceAsS3Does() {
    assertThat(eval("If-None-Match", "\"other\"", "If-Modified-Since", AFTER)).isEqualTo(PROCEED);
    assertThat(eval("If-None-Match", ETAG, "If-Modified-Since", BEFORE)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void aFailedIfMatchWinsOverAMatchingIfNoneMatch() {
    assertThat(eval("If-Match", "\"other\"", "If-None-Match", ETAG)).isEqualTo(PRECONDITION_FAILED);
  }

  @Test
  void invalidDatesAndMissingLastModifiedAreIgnored() {
    assertThat(eval("If-Modified-Since", "yesterday")).isEqualTo(PROCEED);
    assertThat(eval("If-Unmodified-Since", "yesterday")).isEqualTo(PROCEED);
    assertThat(evalAgainst(ETAG, null, "If-Modified-Since", AFTER)).isEqualTo(PROCEED);
    assertThat(evalAgainst(ETAG, null, "If-Unmodified-Since", BEFORE)).isEqualTo(PROCEED);
  }

  @Test
  void malformedTagListsMatchNothing() {
    assertThat(eval("If-None-Match", "abc")).isEqualTo(PROCEED);
    assertThat(eval("If-None-Match", "\"abc")).isEqualTo(PROCEED);
    assertThat(eval("If-Match", "garbage")).isEqualTo(PRECONDITION_FAILED);
  }
}
