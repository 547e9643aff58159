package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyMainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return ProxyMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validateAcceptsAGoodFile() throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(
        file,
        """
        buckets:
          - name: assets
            pathPrefix: /assets
            s3: { bucket: my-assets, region: eu-west-1, endpoint: "http://127.0.0.1:9000" }
            auth: { type: public }
        """);
    assertThat(run("--validate", "--config", file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("valid (1 buckets, hash ");
  }

  @Test
  void validateListsEveryProblemWithItsPath() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        server:
          listne: 0.0.0.0:8080
        buckets:
          - name: Assets
            pathPrefix: /assets
            s3: { bucket: my-assets, region: "" }
            auth: { type: public }
          - name: other
            pathPrefix: /assets
            s3: { bucket: other-bucket, region: eu-west-1 }
        """);
    assertThat(run("--validate", "--config", file.toString())).isEqualTo(ProxyMain.EXIT_CONFIG);
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(errors)
        .contains("server.listne: unknown key")
        .contains("buckets[0].name:")
        .contains("buckets[0].s3.region: must not be empty")
        .contains("buckets[1].pathPrefix: duplicates buckets[0] (expected: unique)")
        .contains("buckets[1].auth: is required")
        .doesNotContain("Exception");
  }

  @Test
  void missingConfigArgumentIsAUsageError() throws Exception {
    assertThat(run()).isEqualTo(ProxyMain.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    assertThat(run("--bogus")).isEqualTo(ProxyMain.EXIT_USAGE);
  }

  @Test
  void unreadableFileIsAConfigError() throws Exception {
    assertThat(run("--validate", "--config", dir.resolve("nope.yaml").toString()))
        .isEqualTo(ProxyMain.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope.yaml");
  }
}
