package io.yatagarasu.proxy.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3UrisTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "plain/key.txt => plain/key.txt",
        "with space => with%20space",
        "a+b => a%2Bb",
        "100% => 100%25",
        "k=v&x => k%3Dv%26x",
        "tilde~_-. => tilde~_-.",
        "ü => %C3%BC",
        "a//b => a//b",
        "emoji-😀 => emoji-%F0%9F%98%80",
      })
  void encodesPathsTheWayS3SignsThem(String key, String encoded) {
    assertThat(S3Uris.encodePath(key)).isEqualTo(encoded);
  }

  @ParameterizedTest
  @CsvSource({"a/b, a%2Fb", "x y, x%20y"})
  void encodesSlashesInQueryComponents(String value, String encoded) {
    assertThat(S3Uris.encodeQueryComponent(value)).isEqualTo(encoded);
  }
}
