package io.yatagarasu.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.S3Credentials;
import io.yatagarasu.config.S3Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private static ProxyConfig config() {
    return new ProxyConfig(
        io.yatagarasu.config.ServerConfig.defaults(),
        io.yatagarasu.config.AdminConfig.defaults(),
        io.yatagarasu.config.UpstreamConfig.defaults(),
        io.yatagarasu.config.LoggingConfig.defaults(),
        List.of(
            new io.yatagarasu.config.BucketConfig(
                "files",
                "/files",
                new S3Target(
                    "files-bucket",
                    "us-east-1",
                    null,
                    false,
                    "",
                    new S3Credentials("AKIAFILES", "files-secret", null)),
                io.yatagarasu.config.AuthConfig.publicAccess())));
  }

  @Test
  void documentStatesItsGenerationAndParsesBackWithTheSameHash() throws Exception {
    ProxyConfig config = config();
    Snapshot snapshot = new Snapshot(config, ConfigWriter.contentHash(config), 7);
    ConfigDocument parsed =
        new ConfigParser(Environment.of(Map.of())).parseJsonDocument(snapshot.document());
    assertThat(parsed.generation()).hasValue(7);
    assertThat(parsed.config()).isEqualTo(config);
    assertThat(ConfigWriter.contentHash(parsed.config())).isEqualTo(snapshot.hash());
  }

  @Test
  void toStringNeverShowsTheConfiguration() {
    ProxyConfig config = config();
    assertThat(new Snapshot(config, ConfigWriter.contentHash(config), 1).toString())
        .doesNotContain("files-secret", "AKIAFILES");
  }
}
