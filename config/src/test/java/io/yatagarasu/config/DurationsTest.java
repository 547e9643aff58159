package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "0s, PT0S",
    "0ms, PT0S",
    "250ms, PT0.25S",
    "2s, PT2S",
    "5m, PT5M",
    "1h, PT1H",
    "1d, PT24H",
    "1m30s, PT1M30S",
    "1h0m5s, PT1H5S",
    "1d2h3m4s5ms, PT26H3M4.005S",
    "1500ms, PT1.5S",
    "90s, PT1M30S",
  })
  void parses(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(
      strings = {
        "",
        "10",
        "s",
        "10 parsecs",
        "1.5s",
        "-1s",
        " 1s",
        "1s ",
        "1S",
        "1us",
        "30s1m",
        "1s1s",
        "1m 30s",
        "9999999999999999999d",
        "106751991167301d"
      })
  void refuses(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Durations.parse(text))
        .withMessage(Rules.quote(text) + " is not a duration (expected: e.g. 250ms, 2s, 5m, 1h)");
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({
    "PT0S, 0s",
    "PT0.25S, 250ms",
    "PT2S, 2s",
    "PT1M30S, 90s",
    "PT5M, 5m",
    "PT1H, 1h",
    "PT90M, 90m",
    "PT24H, 1d",
    "PT48H, 2d",
    "PT25H, 25h",
    "PT1.001S, 1001ms",
  })
  void formatsWithTheLargestExactUnit(Duration duration, String expected) {
    assertThat(ConfigWriter.formatDuration(duration)).isEqualTo(expected);
    assertThat(Durations.parse(expected)).isEqualTo(duration);
  }

  @ParameterizedTest(name = "{0} cannot be written")
  @ValueSource(strings = {"PT-1S", "PT0.0000015S"})
  void refusesToFormatNegativeOrSubMillisecondDurations(Duration duration) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ConfigWriter.formatDuration(duration))
        .withMessageStartingWith("duration: ");
  }
}
