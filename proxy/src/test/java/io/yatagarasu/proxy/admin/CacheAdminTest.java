package io.yatagarasu.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheAdminTest {
  @Test
  void readsKeysAndPrefixesOfABucket() {
    CacheAdmin.Purge p =
        CacheAdmin.parse("{\"bucket\":\"assets\",\"keys\":[\"a/b.png\"],\"prefixes\":[\"img/\"]}");
    assertThat(p)
        .isEqualTo(new CacheAdmin.Purge("assets", List.of("a/b.png"), List.of("img/"), false));
  }

  @Test
  void readsAllWithAndWithoutABucket() {
    assertThat(CacheAdmin.parse("{\"bucket\":\"assets\",\"all\":true}"))
        .isEqualTo(new CacheAdmin.Purge("assets", List.of(), List.of(), true));
    assertThat(CacheAdmin.parse("{\"all\":true}"))
        .isEqualTo(new CacheAdmin.Purge(null, List.of(), List.of(), true));
    assertThat(CacheAdmin.parse("{\"prefixes\":[\"x\"]}"))
        .isEqualTo(new CacheAdmin.Purge(null, List.of(), List.of("x"), false));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"bucket\":\"a\"}| body: name keys, prefixes, or all: true",
        "{}| body: name keys, prefixes, or all: true",
        "{\"all\":false}| body: name keys, prefixes, or all: true",
        "{\"all\":true,\"keys\":[\"a\"]}| all: cannot be combined with keys or prefixes",
        "{\"all\":true,\"prefixes\":[]}| all: cannot be combined with keys or prefixes",
        "{\"keys\":[1]}| keys[0]: must be a string",
        "{\"keys\":[\"a\",null]}| keys[1]: must be a string",
        "{\"keys\":\"a\"}| keys: must be an array of strings",
        "{\"prefixes\":[\"\"]}| prefixes[0]: must not be empty",
        "{\"keys\":[\"/a\"]}| keys[0]: must not start with / (keys are relative to the bucket's prefix)",
        "{\"all\":\"yes\"}| all: must be true or false",
        "{\"bucket\":7,\"all\":true}| bucket: must be a non-empty string",
        "{\"all\":true,\"key\":[\"a\"]}| key: unknown field (expected: bucket, keys, prefixes, all)",
        "[]| body: must be a JSON object",
        "{not json| body: not valid JSON",
        "''| body: must be a JSON object"
      })
  void rejectsABodyNamingTheField(String body, String message) {
    assertThatThrownBy(() -> CacheAdmin.parse(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void readsAWarmOfABucketDroppingRepeatedKeys() {
    assertThat(
            CacheAdmin.parseWarm("{\"bucket\":\"assets\",\"keys\":[\"a.png\",\"b/c\",\"a.png\"]}"))
        .isEqualTo(new CacheAdmin.Warm("assets", List.of("a.png", "b/c")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"keys\":[\"a\"]}| bucket: is required",
        "{\"bucket\":7,\"keys\":[\"a\"]}| bucket: must be a non-empty string",
        "{\"bucket\":\"a\"}| keys: is required",
        "{\"bucket\":\"a\",\"keys\":\"x\"}| keys: must be an array of strings",
        "{\"bucket\":\"a\",\"keys\":[]}| keys: must name at least one key",
        "{\"bucket\":\"a\",\"keys\":[1]}| keys[0]: must be a string",
        "{\"bucket\":\"a\",\"keys\":[\"ok\",\"\"]}| keys[1]: must not be empty",
        "{\"bucket\":\"a\",\"keys\":[\"x/../y\"]}| keys[0]: \"x/../y\" has a '..' segment",
        "{\"bucket\":\"a\",\"keys\":[\"/abs\"]}| keys[0]: \"/abs\" (expected: a key without",
        "{\"bucket\":\"a\",\"keys\":[\"a\"],\"all\":true}| all: unknown field (expected: bucket, keys)",
        "[1]| body: must be a JSON object",
        "nope| body: not valid JSON"
      })
  void refusesABadWarmNamingTheField(String body, String problem) {
    assertThatThrownBy(() -> CacheAdmin.parseWarm(body))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void refusesAWarmOfMoreKeysThanTheLimit() {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i <= 1000; i++) {
      keys.append(i == 0 ? "\"k" : ",\"k").append(i).append('"');
    }
    assertThatThrownBy(() -> CacheAdmin.parseWarm("{\"bucket\":\"a\",\"keys\":[" + keys + "]}"))
        .hasMessage("keys: 1001 keys (expected: at most 1000)");
  }
}
