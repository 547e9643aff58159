package io.yatagarasu.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheControlTest {
  @Test
  void readsEveryDirectiveASharedCacheActsOn() {
    CacheControl cc =
        CacheControl.parse(
            List.of("no-cache, must-revalidate", "proxy-revalidate, max-age=60, s-maxage=30"));
    assertThat(cc.noCache()).isTrue();
    assertThat(cc.mustRevalidate()).isTrue();
    assertThat(cc.proxyRevalidate()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(60);
    assertThat(cc.sMaxAge()).isEqualTo(30);
    assertThat(cc.storable()).isTrue();
  }

  @Test
  void noStoreAndPrivateAreNeverStorable() {
    assertThat(CacheControl.parse(List.of("no-store")).storable()).isFalse();
    assertThat(CacheControl.parse(List.of("private")).storable()).isFalse();
    assertThat(CacheControl.parse(List.of("PRIVATE=\"Set-Cookie\"")).storable()).isFalse();
    assertThat(CacheControl.parse(List.of("public, max-age=10")).storable()).isTrue();
  }

  @Test
  void directiveNamesAreCaseInsensitive() {
    CacheControl cc = CacheControl.parse(List.of("No-Store, MAX-AGE=5"));
    assertThat(cc.noStore()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(5);
  }

  @Test
  void aNonNumericAgeMakesTheResponseStaleAtOnce() {
    assertThat(CacheControl.parse(List.of("max-age=abc")).maxAge()).isZero();
    assertThat(CacheControl.parse(List.of("max-age=")).maxAge()).isZero();
    assertThat(CacheControl.parse(List.of("s-maxage=-1")).sMaxAge()).isZero();
  }

  @Test
  void theFirstOfTwoValuesWins() {
    assertThat(CacheControl.parse(List.of("max-age=10, max-age=99")).maxAge()).isEqualTo(10);
  }

  @Test
  void aHugeAgeIsCappedAtTwoToTheThirtyOneSeconds() {
    assertThat(CacheControl.parse(List.of("max-age=99999999999999999999")).maxAge())
        .isEqualTo(2_147_483_648L);
  }

  @Test
  void quotedArgumentsMayHoldCommas() {
    CacheControl cc = CacheControl.parse(List.of("no-cache=\"a, b\", max-age=\"7\""));
    assertThat(cc.noCache()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(7);
  }

  @Test
  void unknownDirectivesAndEmptyPartsAreIgnored() {
    CacheControl cc = CacheControl.parse(List.of(" , immutable,, stale-while-revalidate=5 ,"));
    assertThat(cc).isEqualTo(CacheControl.NONE);
  }

  @Test
  void sMaxageAndRevalidationDirectivesForbidServingStale() {
    assertThat(CacheControl.parse(List.of("s-maxage=5")).forbidsStale()).isTrue();
    assertThat(CacheControl.parse(List.of("must-revalidate")).forbidsStale()).isTrue();
    assertThat(CacheControl.parse(List.of("proxy-revalidate")).forbidsStale()).isTrue();
    assertThat(CacheControl.parse(List.of("max-age=5")).forbidsStale()).isFalse();
  }
}
