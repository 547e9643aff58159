package io.yatagarasu.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import org.junit.jupiter.api.Test;

class FreshnessTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long TTL = 60_000;

  private static String date(long millis) {
    return DateFormatter.format(new Date(millis));
  }

  private static HttpHeaders headers(String... pairs) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  @Test
  void withoutExplicitFreshnessTheBucketTtlApplies() {
    Freshness f = Freshness.of(headers("Date", date(NOW)), NOW, NOW, TTL);
    assertThat(f.lifetime()).isEqualTo(TTL);
    assertThat(f.isFresh(NOW + TTL - 1)).isTrue();
    assertThat(f.isFresh(NOW + TTL)).isFalse();
  }

  @Test
  void sMaxageWinsOverMaxAgeAndExpires() {
    Freshness f =
        Freshness.of(
            headers("Cache-Control", "max-age=100, s-maxage=5", "Expires", date(NOW + 1_000_000)),
            NOW,
            NOW,
            TTL);
    assertThat(f.lifetime()).isEqualTo(5_000);
  }

  @Test
  void maxAgeWinsOverExpires() {
    Freshness f =
        Freshness.of(
            headers("Cache-Control", "max-age=100", "Expires", date(NOW + 5_000)), NOW, NOW, TTL);
    assertThat(f.lifetime()).isEqualTo(100_000);
  }

  @Test
  void expiresCountsFromTheDateHeader() {
    Freshness f =
        Freshness.of(
            headers("Date", date(NOW - 10_000), "Expires", date(NOW + 20_000)), NOW, NOW, TTL);
    assertThat(f.lifetime()).isEqualTo(30_000);
    // The response was 10 s old when it arrived (Date is 10 s in the past).
    assertThat(f.currentAge(NOW)).isEqualTo(10_000);
    assertThat(f.isFresh(NOW + 19_999)).isTrue();
    assertThat(f.isFresh(NOW + 20_000)).isFalse();
  }

  @Test
  void anInvalidExpiresMeansAlreadyExpired() {
    Freshness f = Freshness.of(headers("Expires", "0"), NOW, NOW, TTL);
    assertThat(f.lifetime()).isZero();
    assertThat(f.isFresh(NOW)).isFalse();
  }

  @Test
  void theAgeHeaderAndTheTimeInTransitAddToTheAge() {
    Freshness f = Freshness.of(headers("Age", "7", "Date", date(NOW)), NOW - 2_000, NOW, TTL);
    assertThat(f.currentAge(NOW)).isEqualTo(9_000);
    assertThat(f.currentAge(NOW + 1_000)).isEqualTo(10_000);
    assertThat(f.ageSeconds(NOW + 1_500)).isEqualTo(10);
  }

  @Test
  void aDateInTheFutureDoesNotMakeTheAgeNegative() {
    Freshness f = Freshness.of(headers("Date", date(NOW + 60_000)), NOW, NOW, TTL);
    assertThat(f.currentAge(NOW)).isZero();
  }

  @Test
  void noCacheIsStoredButNeverFresh() {
    Freshness f = Freshness.of(headers("Cache-Control", "no-cache, max-age=600"), NOW, NOW, TTL);
    assertThat(f.noCache()).isTrue();
    assertThat(f.isFresh(NOW)).isFalse();
  }

  @Test
  void aStaleEntryStandsInForAFailureOnlyWithinTheWindow() {
    Freshness f = Freshness.of(headers("Cache-Control", "max-age=10"), NOW, NOW, TTL);
    assertThat(f.usableOnError(NOW + 10_000 + 29_999, 30_000)).isTrue();
    assertThat(f.usableOnError(NOW + 10_000 + 30_000, 30_000)).isFalse();
    assertThat(f.usableOnError(NOW + 10_001, 0)).as("staleIfError off").isFalse();
  }

  @Test
  void mustRevalidateForbidsServingStaleOnError() {
    Freshness f =
        Freshness.of(headers("Cache-Control", "max-age=10, must-revalidate"), NOW, NOW, TTL);
    assertThat(f.usableOnError(NOW + 11_000, 60_000)).isFalse();
  }

  @Test
  void readsTheObsoleteDateFormatsToo() {
    assertThat(Freshness.httpDate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(784111777000L);
    assertThat(Freshness.httpDate("Sun Nov  6 08:49:37 1994")).isEqualTo(784111777000L);
    assertThat(Freshness.httpDate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777000L);
    assertThat(Freshness.httpDate("yesterday")).isNull();
  }
}
