package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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

  @Test
  void structureOnlyChecksTheReadmeExampleWithoutItsEnvironment() throws Exception {
    Path example = Path.of("..", "examples", "standalone", "minimal.yaml");
    assumeThat(System.getenv("ASSETS_KEY_ID")).as("ASSETS_KEY_ID unset").isNull();
    // A full validation needs the variables; the structure alone does not.
    assertThat(run("--validate", "--config", example.toString())).isEqualTo(ProxyMain.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("ASSETS_KEY_ID is not set");
    out.reset();
    err.reset();
    assertThat(run("--validate", "--structure-only", "--config", example.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("valid structure (${...} references not resolved)");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void structureOnlyReportsEveryProblemThatNoReferenceCauses() throws Exception {
    Path file = dir.resolve("lint.yaml");
    Files.writeString(
        file,
        """
        server:
          listen: ${LISTEN}
          listne: 0.0.0.0:8080
          maxConcurrentRequests: many
        buckets:
          - name: assets
            pathPrefix: /assets
            s3:
              bucket: my-assets
              region: ${REGION}
              endpoint: "http://${S3_HOST}:9000"
              credentials:
                accessKeyId: ${file:/nonexistent/key-id}
                secretAccessKey: ${file:/nonexistent/secret}
            auth: { type: public }
          - name: other
            pathPrefix: /other
            s3: { bucket: other-bucket, region: "" }
        """);
    assertThat(run("--validate", "--structure-only", "--config", file.toString()))
        .isEqualTo(ProxyMain.EXIT_CONFIG);
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(errors)
        .contains("server.listne: unknown key")
        .contains("server.maxConcurrentRequests:")
        .contains("buckets[1].s3.region: must not be empty")
        .contains("buckets[1].auth: is required")
        // Values with references are neither resolved nor checked; no file is read.
        .doesNotContain("server.listen")
        .doesNotContain("buckets[0]")
        .doesNotContain("nonexistent")
        .doesNotContain("is not set");
  }

  @Test
  void structureOnlyWithoutValidateIsAUsageError() throws Exception {
    assertThat(run("--structure-only", "--config", dir.resolve("any.yaml").toString()))
        .isEqualTo(ProxyMain.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--structure-only goes with --validate");
  }

  @Test
  void versionPrintsTheVersionAndTheGitRevision() throws Exception {
    assertThat(run("--version")).isZero();
    String printed = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(printed)
        .matches(
            "yatagarasu-proxy [0-9]+\\.[0-9]+\\.[0-9]+\\S* \\(revision ([0-9a-f]{7,40}(-dirty)?|unknown)\\)");
    assertThat(printed).doesNotContain("${");
    assertThat(printed).contains(ProxyMain.build().version());
  }

  @Test
  void startUpLogNamesTheVersionRevisionTransportAndReceiveRing() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ProxyServer.class);
    logger.addAppender(logs);
    String yaml =
        """
        server: { listen: 127.0.0.1:0 }
        admin: { listen: 127.0.0.1:0 }
        buckets:
          - name: assets
            pathPrefix: /assets
            s3: { bucket: my-assets, region: eu-west-1, endpoint: "http://127.0.0.1:9" }
            auth: { type: public }
        """;
    try (ProxyServer server =
        ProxyServer.start(
            new io.yatagarasu.config.ConfigParser(
                    io.yatagarasu.config.Environment.of(java.util.Map.of()))
                .parseYaml(yaml))) {
      io.yatagarasu.config.BuildInfo build = ProxyMain.build();
      assertThat(logs.list)
          .anyMatch(
              e ->
                  e.getFormattedMessage().startsWith("proxy started")
                      && e.getFormattedMessage().contains("version=" + build.version())
                      && e.getFormattedMessage().contains("revision=" + build.revision()));
      boolean ring =
          "io_uring".equals(server.transport())
              && io.netty.channel.uring.IoUring.isRegisterBufferRingSupported();
      assertThat(logs.list)
          .filteredOn(e -> e.getFormattedMessage().startsWith("proxy started"))
          .singleElement()
          .extracting(e -> e.getFormattedMessage())
          .asString()
          .contains("transport=" + server.transport() + (ring ? " receiveRing=128" : " "));
    } finally {
      logger.detachAppender(logs);
    }
  }
}
