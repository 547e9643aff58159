package io.yatagarasu.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3ProxyServerTest {

  @Test
  void startNamesTheMissingJarAndHowToProvideIt(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere/s3proxy.jar");

    assertThatThrownBy(() -> S3ProxyServer.start("key", "secret", missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining(S3ProxyServer.JAR_PROPERTY);
  }

  @Test
  void startRejectsEmptyCredentials(@TempDir Path dir) {
    assertThatThrownBy(() -> S3ProxyServer.start("", "secret", dir.resolve("s3proxy.jar")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
