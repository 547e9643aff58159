package io.yatagarasu.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.proxy.s3.S3Target;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  private static S3Target target(String host, String prefix) {
    return new S3Target("http", host, 9000, host + ":9000", "/bucket", prefix, "us-east-1");
  }

  @Test
  void keysOfEqualTargetsAreEqualAndNameTheTarget() {
    CacheKey first = CacheKey.of(target("s3.local", "p/"), "a.txt");
    CacheKey again = CacheKey.of(target("s3.local", "p/"), "a.txt");
    assertThat(again).isEqualTo(first);
    assertThat(first.target()).isEqualTo("http://s3.local:9000/bucket|p/");
    assertThat(first.target()).isEqualTo(CacheKey.targetId(target("s3.local", "p/")));
  }

  @Test
  void anotherEndpointOrPrefixIsAnotherKey() {
    CacheKey key = CacheKey.of(target("s3.local", "p/"), "a.txt");
    assertThat(CacheKey.of(target("s3.other", "p/"), "a.txt")).isNotEqualTo(key);
    assertThat(CacheKey.of(target("s3.local", "q/"), "a.txt")).isNotEqualTo(key);
  }

  @Test
  void keysStayRightWhenManyTargetsCameAndWent() {
    for (int i = 0; i < 3000; i++) {
      assertThat(CacheKey.of(target("h" + i, ""), "k").target())
          .isEqualTo("http://h" + i + ":9000/bucket|");
    }
    assertThat(CacheKey.of(target("h1", ""), "k").target()).isEqualTo("http://h1:9000/bucket|");
  }
}
