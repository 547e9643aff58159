package io.yatagarasu.config;

import static io.yatagarasu.config.ConfigParserTest.PARSER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each {@code golden/NAME.in.yaml} is parsed: it must give {@code NAME.out.json} (written back by
 * {@link ConfigWriter#toJson}) or exactly the lines of {@code NAME.errors.txt}.
 */
class GoldenFilesTest {
  private static final String IN = ".in.yaml";

  @TestFactory
  Stream<DynamicTest> everyInputGivesItsExpectedOutput() throws Exception {
    Path dir = Path.of(GoldenFilesTest.class.getResource("/golden").toURI());
    List<Path> inputs;
    try (Stream<Path> files = Files.list(dir)) {
      inputs = files.filter(file -> file.getFileName().toString().endsWith(IN)).sorted().toList();
    }
    assertThat(inputs).isNotEmpty();
    return inputs.stream()
        .map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> check(input)));
  }

  private static void check(Path input) throws Exception {
    String name = input.getFileName().toString();
    Path json = input.resolveSibling(name.replace(IN, ".out.json"));
    Path errors = input.resolveSibling(name.replace(IN, ".errors.txt"));
    assertThat(Files.exists(json) ^ Files.exists(errors))
        .as("exactly one of %s and %s", json.getFileName(), errors.getFileName())
        .isTrue();
    if (Files.exists(json)) {
      assertThat(ConfigWriter.toJson(PARSER.load(input))).isEqualTo(Files.readString(json));
    } else {
      assertThat(catchThrowableOfType(ConfigException.class, () -> PARSER.load(input)).errors())
          .containsExactlyElementsOf(Files.readAllLines(errors));
    }
  }
}
