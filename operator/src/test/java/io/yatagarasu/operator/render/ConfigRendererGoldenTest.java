package io.yatagarasu.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: {@code render/NAME.in.yaml} (an S3ProxyConfig, S3ProxyBuckets, Secrets and
 * Namespaces) renders to {@code NAME.out.json} (the snapshot bytes, absent when the fleet itself is
 * invalid) and {@code NAME.status.txt} (hash, counts and every bucket's conditions). To regenerate
 * after an intended change:
 *
 * <pre>
 * ./mvnw -B -pl operator test -Dtest=ConfigRendererGoldenTest -Dyatagarasu.golden.update=true
 * </pre>
 */
class ConfigRendererGoldenTest {
  private static final Path DIR = Path.of("src", "test", "resources", "render");
  private static final boolean UPDATE = Boolean.getBoolean("yatagarasu.golden.update");

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".in.yaml"))
          .map(n -> n.substring(0, n.length() - ".in.yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersTheGoldenSnapshotAndStatus(String name) throws IOException {
    RenderResult result = Fixtures.parse(Files.readString(DIR.resolve(name + ".in.yaml"))).render();
    String json = result.config() == null ? null : result.json();
    String status = describe(result);
    Path jsonFile = DIR.resolve(name + ".out.json");
    Path statusFile = DIR.resolve(name + ".status.txt");
    if (UPDATE) {
      if (json == null) {
        Files.deleteIfExists(jsonFile);
      } else {
        Files.writeString(jsonFile, json);
      }
      Files.writeString(statusFile, status);
    }
    assertThat(status).isEqualTo(Files.readString(statusFile));
    if (json == null) {
      assertThat(jsonFile).doesNotExist();
    } else {
      assertThat(json).isEqualTo(Files.readString(jsonFile));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersTheSameBytesWhateverTheInputOrder(String name) throws IOException {
    Fixtures fixtures = Fixtures.parse(Files.readString(DIR.resolve(name + ".in.yaml")));
    RenderResult first = fixtures.render();
    List<io.yatagarasu.operator.crd.S3ProxyBucket> reversed = new ArrayList<>(fixtures.buckets());
    java.util.Collections.reverse(reversed);
    List<io.fabric8.kubernetes.api.model.Secret> secrets = new ArrayList<>(fixtures.secrets());
    java.util.Collections.reverse(secrets);
    RenderResult second =
        ConfigRenderer.render(fixtures.proxy(), reversed, secrets, fixtures.namespaceLabels());
    assertThat(describe(second)).isEqualTo(describe(first));
    if (first.config() != null) {
      assertThat(second.json()).isEqualTo(first.json());
      assertThat(second.hash()).isEqualTo(first.hash());
    }
  }

  static String describe(RenderResult result) {
    StringBuilder out = new StringBuilder();
    if (result.config() == null) {
      out.append("snapshot: none\n");
      result.fleetProblems().forEach(p -> out.append("fleet problem: ").append(p).append('\n'));
    } else {
      out.append("hash: ").append(result.hash()).append('\n');
    }
    out.append("buckets: accepted=")
        .append(result.acceptedCount())
        .append(" rejected=")
        .append(result.rejectedCount())
        .append('\n');
    for (BucketOutcome outcome : result.buckets()) {
      out.append('\n')
          .append(outcome.bucket())
          .append(" (generation ")
          .append(outcome.generation());
      out.append(outcome.included() ? ", route " + outcome.routeName() : ", left out")
          .append(")\n");
      for (Condition c : io.yatagarasu.operator.status.BucketConditions.of(outcome)) {
        out.append("  ")
            .append(c.getType())
            .append('=')
            .append(c.getStatus())
            .append(' ')
            .append(c.getReason())
            .append(": ")
            .append(c.getMessage())
            .append('\n');
      }
    }
    return out.toString();
  }
}
