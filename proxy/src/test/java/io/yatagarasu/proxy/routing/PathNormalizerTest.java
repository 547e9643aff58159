package io.yatagarasu.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "/assets/a.txt => /assets/a.txt",
        "/assets/with%20space.txt => /assets/with space.txt",
        "/assets/plus+sign => /assets/plus+sign",
        "/assets/pct%25literal => /assets/pct%literal",
        "/assets/eq=amp&tilde~ => /assets/eq=amp&tilde~",
        "/assets/%E3%81%82.txt => /assets/あ.txt",
        "/assets/a//b => /assets/a//b",
        "/assets/a%2Fb => /assets/a/b",
        "/assets/...hidden => /assets/...hidden",
        "/assets/a.. => /assets/a..",
        "/ => /",
      })
  void decodesOnce(String raw, String expected) throws Exception {
    assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
  }

  @Test
  void decodesPercentEncodingOnlyOnce() throws Exception {
    assertThat(PathNormalizer.normalize("/assets/%252e%252e")).isEqualTo("/assets/%2e%2e");
  }

  @Test
  void decodesRawUtf8Bytes() throws Exception {
    // The HTTP decoder hands raw bytes over as ISO-8859-1 chars.
    String raw =
        new String(
            "/assets/ü".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(PathNormalizer.normalize(raw)).isEqualTo("/assets/ü");
  }

  @ParameterizedTest(name = "rejects {0}")
  @ValueSource(
      strings = {
        "/assets/../secret",
        "/assets/./a",
        "/assets/..",
        "/assets/.",
        "/..",
        "/assets/%2e%2e/secret",
        "/assets/%2E%2E/secret",
        "/assets/.%2e/secret",
        "/assets/%2e./secret",
        "/assets/..%2fsecret",
        "/assets/..%2Fsecret",
        "/assets/%2e%2e%2fsecret",
        "/assets/a%00b",
        "/assets/a%0d%0aSet-Cookie:x",
        "/assets/a%7f",
        "/assets/%",
        "/assets/%4",
        "/assets/%zz",
        "/assets/%c3%28",
        "/assets/%ff",
        "/assets/%c0%ae%c0%ae/",
        "assets/a",
        "",
        "*",
        "http://example.com/assets/a",
      })
  void rejectsHostilePaths(String raw) {
    assertThatThrownBy(() -> PathNormalizer.normalize(raw))
        .isInstanceOf(PathNormalizer.InvalidPathException.class);
  }

  @Test
  void splitsQueryAndFragmentFromTheRawPath() {
    assertThat(PathNormalizer.rawPath("/a/b?x=1#f")).isEqualTo("/a/b");
    assertThat(PathNormalizer.rawQuery("/a/b?x=1#f")).isEqualTo("x=1");
    assertThat(PathNormalizer.rawQuery("/a/b")).isEmpty();
    assertThat(PathNormalizer.rawPath("/a#frag")).isEqualTo("/a");
  }
}
