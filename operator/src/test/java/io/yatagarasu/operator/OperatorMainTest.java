package io.yatagarasu.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OperatorMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int arguments(String... args) {
    return OperatorMain.arguments(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void versionPrintsTheVersionAndTheGitRevision() {
    assertThat(arguments("--version")).isEqualTo(OperatorMain.EXIT_OK);
    String printed = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(printed)
        .matches(
            "yatagarasu-operator [0-9]+\\.[0-9]+\\.[0-9]+\\S* \\(revision"
                + " ([0-9a-f]{7,40}(-dirty)?|unknown)\\)");
    assertThat(printed).contains(OperatorMain.build().version()).doesNotContain("${");
  }

  @Test
  void noArgumentsStartTheOperator() {
    assertThat(arguments()).isEqualTo(-1);
  }

  @Test
  void anUnknownArgumentIsAUsageError() {
    assertThat(arguments("--bogus")).isEqualTo(OperatorMain.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument: --bogus");
  }
}
