package io.yatagarasu.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.proxy.cache.ByteRanges.Decision;
import io.yatagarasu.proxy.cache.ByteRanges.Full;
import io.yatagarasu.proxy.cache.ByteRanges.Partial;
import io.yatagarasu.proxy.cache.ByteRanges.Unsatisfiable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangesTest {
  private static final long SIZE = 20;
  private static final String ETAG = "\"abc\"";
  private static final String MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT";

  private static Decision decide(String range) {
    return ByteRanges.decide(range, null, SIZE, ETAG, MODIFIED);
  }

  @ParameterizedTest
  @CsvSource({
    "bytes=0-4, 0, 4",
    "bytes=15-100, 15, 19",
    "bytes=5-, 5, 19",
    "bytes=-5, 15, 19",
    "bytes=-25, 0, 19",
    "bytes=19-19, 19, 19",
    "BYTES=0-0, 0, 0"
  })
  void oneSatisfiableRangeIsPartial(String range, long first, long last) {
    assertThat(decide(range)).isEqualTo(new Partial(first, last, SIZE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=20-", "bytes=25-30", "bytes=-0", "bytes=20-20"})
  void aRangeFromTheEndOnOrAnEmptySuffixIsUnsatisfiable(String range) {
    assertThat(decide(range)).isEqualTo(new Unsatisfiable(SIZE));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bytes=0-1,4-5",
        "bytes=0-1,-3",
        "bytes=0-1, 3-4",
        "bytes=0-1,30-40",
        "items=0-1",
        "bytes=abc",
        "bytes=5-2",
        "bytes= 0-1",
        "bytes=-",
        "bytes=1",
        "bytes=--1",
        "bytes=0-1x",
        "bytes=99999999999999999999-"
      })
  void severalRangesOrAMalformedHeaderSendTheWholeObject(String range) {
    assertThat(decide(range)).isInstanceOf(Full.class);
  }

  @Test
  void noRangeIsTheWholeObject() {
    assertThat(decide(null)).isInstanceOf(Full.class);
  }

  @Test
  void anEmptyObjectSatisfiesNoRange() {
    assertThat(ByteRanges.decide("bytes=0-", null, 0, ETAG, MODIFIED))
        .isEqualTo(new Unsatisfiable(0));
    assertThat(ByteRanges.decide("bytes=-5", null, 0, ETAG, MODIFIED))
        .isEqualTo(new Unsatisfiable(0));
  }

  @Test
  void rendersContentRangeValues() {
    assertThat(new Partial(15, 19, 20).contentRange()).isEqualTo("bytes 15-19/20");
    assertThat(new Partial(15, 19, 20).length()).isEqualTo(5);
    assertThat(new Unsatisfiable(20).contentRange()).isEqualTo("bytes */20");
  }

  @Test
  void ifRangeWithTheCurrentStrongTagKeepsTheRange() {
    assertThat(ByteRanges.decide("bytes=0-4", ETAG, SIZE, ETAG, MODIFIED))
        .isEqualTo(new Partial(0, 4, SIZE));
  }

  @Test
  void ifRangeWithAnotherOrAWeakTagSendsTheWholeObject() {
    assertThat(ByteRanges.decide("bytes=0-4", "\"stale\"", SIZE, ETAG, MODIFIED))
        .isInstanceOf(Full.class);
    assertThat(ByteRanges.decide("bytes=0-4", "W/" + ETAG, SIZE, ETAG, MODIFIED))
        .isInstanceOf(Full.class);
    assertThat(ByteRanges.decide("bytes=0-4", "W/\"abc\"", SIZE, "W/\"abc\"", MODIFIED))
        .isInstanceOf(Full.class);
  }

  @Test
  void ifRangeWithADateMustEqualLastModifiedExactly() {
    assertThat(ByteRanges.decide("bytes=0-4", MODIFIED, SIZE, ETAG, MODIFIED))
        .isEqualTo(new Partial(0, 4, SIZE));
    assertThat(
            ByteRanges.decide("bytes=0-4", "Mon, 07 Nov 1994 08:49:37 GMT", SIZE, ETAG, MODIFIED))
        .isInstanceOf(Full.class);
    assertThat(ByteRanges.decide("bytes=0-4", "not a date", SIZE, ETAG, MODIFIED))
        .isInstanceOf(Full.class);
  }

  @Test
  void aFailedIfRangeSendsTheWholeObjectEvenForAnUnsatisfiableRange() {
    assertThat(ByteRanges.decide("bytes=50-", "\"stale\"", SIZE, ETAG, MODIFIED))
        .isInstanceOf(Full.class);
  }
}
