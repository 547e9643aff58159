package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheConfigTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));
  private static final String PLAIN_BUCKET =
      "  - { name: web, pathPrefix: /web, s3: { bucket: web-assets, region: r },"
          + " auth: { type: public } }\n";

  private static String withBucketCache(String cache) {
    return "buckets:\n"
        + "  - { name: web, pathPrefix: /web, s3: { bucket: web-assets, region: r },"
        + " auth: { type: public }, cache: "
        + cache
        + " }\n";
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "4096, 4096",
    "512KiB, 524288",
    "8MiB, 8388608",
    "2GiB, 2147483648",
    "1TiB, 1099511627776"
  })
  void parsesBytesAndBinaryUnits(String text, long bytes) {
    assertThat(Sizes.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "8MB", "8 MiB", "-1", "1.5MiB", "MiB", "9999999999999999999", "9TiBx"})
  void refusesWhatIsNotASize(String text) {
    assertThatThrownBy(() -> Sizes.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a size (expected: bytes, or e.g. 512KiB, 8MiB, 2GiB)");
  }

  @Test
  void refusesASizeThatOverflows() {
    assertThatThrownBy(() -> Sizes.parse("9999999TiB"))
        .hasMessage("\"9999999TiB\" is not a size (expected: bytes, or e.g. 512KiB, 8MiB, 2GiB)");
  }

  @Test
  void formatsWithTheLargestExactUnit() {
    assertThat(Sizes.format(8L << 20)).isEqualTo("8MiB");
    assertThat(Sizes.format(1536L << 10)).isEqualTo("1536KiB");
    assertThat(Sizes.format(1000)).isEqualTo("1000");
    assertThat(Sizes.format(0)).isEqualTo("0");
  }

  @Test
  void cacheIsOffWithDefaultsWhenAbsent() throws Exception {
    ProxyConfig config = PARSER.parseYaml("buckets:\n" + PLAIN_BUCKET);
    assertThat(config.cache()).isEqualTo(CacheConfig.defaults());
    assertThat(config.cache().enabled()).isFalse();
    assertThat(config.cache().maxSize()).isEqualTo(256L << 20);
    BucketCacheConfig bucket = config.buckets().get(0).cache();
    assertThat(bucket).isEqualTo(BucketCacheConfig.defaults());
    assertThat(bucket.enabled()).isTrue();
    assertThat(bucket.ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(bucket.maxObjectSize()).isEqualTo(8L << 20);
    assertThat(bucket.staleIfError()).isZero();
    assertThat(bucket.notFoundTtl()).isZero();
  }

  @Test
  void readsEveryCacheKeyAndWritesItBack() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            "cache: { enabled: true, maxSize: 512MiB }\n"
                + withBucketCache(
                    "{ enabled: false, ttl: 5m, maxObjectSize: 1048576, staleIfError: 1h,"
                        + " notFoundTtl: 10s }"));
    assertThat(config.cache()).isEqualTo(new CacheConfig(true, 512L << 20));
    assertThat(config.buckets().get(0).cache())
        .isEqualTo(
            new BucketCacheConfig(
                false,
                Duration.ofMinutes(5),
                1L << 20,
                Duration.ofHours(1),
                Duration.ofSeconds(10)));
    String json = ConfigWriter.toJson(config);
    assertThat(ConfigWriter.toCanonicalJson(config))
        .contains("\"maxSize\":\"512MiB\"")
        .contains("\"maxObjectSize\":\"1MiB\"");
    assertThat(PARSER.parseJson(json)).isEqualTo(config);
  }

  @Test
  void defaultCacheSettingsLeaveTheContentHashAsItWas() throws Exception {
    ProxyConfig without = PARSER.parseYaml("buckets:\n" + PLAIN_BUCKET);
    ProxyConfig withDefaults =
        PARSER.parseYaml(
            "cache: { enabled: false, maxSize: 256MiB }\n"
                + withBucketCache("{ enabled: true, ttl: 60s, maxObjectSize: 8MiB }"));
    assertThat(ConfigWriter.toJson(withDefaults)).doesNotContain("cache");
    assertThat(ConfigWriter.contentHash(withDefaults)).isEqualTo(ConfigWriter.contentHash(without));
  }

  @Test
  void reportsEveryBadCacheSettingByItsPath() {
    List<String> errors =
        catchThrowableOfType(
                ConfigException.class,
                () ->
                    PARSER.parseYaml(
                        "cache: { enabled: maybe, maxSize: 512KiB }\n"
                            + withBucketCache(
                                "{ ttl: forever, maxObjectSize: 2GiB, staleIfError: 400d,"
                                    + " notFoundTtl: -1s, size: 1 }")))
            .errors();
    assertThat(errors)
        .containsExactly(
            "cache.enabled: \"maybe\" is not a boolean (expected: true or false)",
            "cache.maxSize: 512KiB (expected: 1MiB..1TiB)",
            "buckets[0].cache.ttl: \"forever\" is not a duration (expected: e.g. 250ms, 2s, 5m, 1h)",
            "buckets[0].cache.maxObjectSize: 2GiB (expected: 1..1GiB)",
            "buckets[0].cache.staleIfError: 400d (expected: 0s..365d)",
            "buckets[0].cache.notFoundTtl: \"-1s\" is not a duration (expected: e.g. 250ms, 2s, 5m,"
                + " 1h)",
            "buckets[0].cache.size: unknown key (expected one of: enabled, ttl, maxObjectSize,"
                + " staleIfError, notFoundTtl, warm)");
  }

  @Test
  void recordsRefuseValuesOutsideTheirRanges() {
    assertThatThrownBy(() -> new CacheConfig(true, 10))
        .hasMessage("maxSize: 10 (expected: 1MiB..1TiB)");
    assertThatThrownBy(
            () ->
                new BucketCacheConfig(true, Duration.ofSeconds(1), 0, Duration.ZERO, Duration.ZERO))
        .hasMessage("maxObjectSize: 0 (expected: 1..1GiB)");
  }

  @Test
  void readsWarmKeysAndWritesThemBack() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            "cache: { enabled: true }\n"
                + withBucketCache("{ warm: [index.html, \"img/logo v2.png\", é/ü.txt] }"));
    assertThat(config.buckets().get(0).cache().warm())
        .containsExactly("index.html", "img/logo v2.png", "é/ü.txt");
    assertThat(ConfigWriter.toCanonicalJson(config)).contains("\"warm\":[\"index.html\"");
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void reportsEveryBadWarmKeyByItsIndex() {
    List<String> errors =
        catchThrowableOfType(
                ConfigException.class,
                () ->
                    PARSER.parseYaml(
                        "cache: { enabled: true }\n"
                            + withBucketCache(
                                "{ warm: [ok.txt, \"\", /abs.txt, a/../b, ./c, 7, [x], ok.txt,"
                                    + " \"tab\\there\"] }")))
            .errors();
    assertThat(errors)
        .containsExactly(
            "buckets[0].cache.warm[1]: must not be empty",
            "buckets[0].cache.warm[2]: \"/abs.txt\" (expected: a key without a leading /,"
                + " relative to the pathPrefix)",
            "buckets[0].cache.warm[3]: \"a/../b\" has a '..' segment (expected: an object key)",
            "buckets[0].cache.warm[4]: \"./c\" has a '.' segment (expected: an object key)",
            "buckets[0].cache.warm[5]: is a number (expected: a string, in quotes if need be)",
            "buckets[0].cache.warm[6]: is a list (expected: a string)",
            "buckets[0].cache.warm[7]: duplicates an earlier key (expected: unique)",
            "buckets[0].cache.warm[8]: contains a control character (expected: an object key)");
  }

  @Test
  void refusesMoreWarmKeysThanTheLimit() {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i <= BucketCacheConfig.MAX_WARM_KEYS; i++) {
      keys.append(i == 0 ? "" : ", ").append("k").append(i);
    }
    List<String> errors =
        catchThrowableOfType(
                ConfigException.class,
                () ->
                    PARSER.parseYaml(
                        "cache: { enabled: true }\n" + withBucketCache("{ warm: [" + keys + "] }")))
            .errors();
    assertThat(errors).containsExactly("buckets[0].cache.warm: 1001 keys (expected: at most 1000)");
  }

  @Test
  void refusesWarmKeysWithoutACacheToWarm() {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () -> PARSER.parseYaml(withBucketCache("{ warm: [a.txt] }")))
                .errors())
        .containsExactly(
            "buckets[0].cache.warm: needs the object cache (expected: cache.enabled: true at the"
                + " top level)");
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () ->
                        PARSER.parseYaml(
                            "cache: { enabled: true }\n"
                                + withBucketCache("{ enabled: false, warm: [a.txt] }")))
                .errors())
        .containsExactly("buckets[0].cache.warm: needs enabled: true (nothing is kept to warm)");
  }

  @Test
  void recordsRefuseBadWarmKeys() {
    assertThatThrownBy(
            () ->
                new BucketCacheConfig(
                    true,
                    Duration.ofSeconds(1),
                    1,
                    Duration.ZERO,
                    Duration.ZERO,
                    List.of("a", "b/../c")))
        .hasMessage("warm[1]: \"b/../c\" has a '..' segment (expected: an object key)");
    assertThatThrownBy(
            () ->
                new BucketCacheConfig(
                    false, Duration.ofSeconds(1), 1, Duration.ZERO, Duration.ZERO, List.of("a")))
        .hasMessage("warm: needs enabled: true (nothing is kept to warm)");
  }
}
