package io.yatagarasu.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogEncoderTest {
  @Test
  void acceptsTextJsonOrNothingAndNamesTheVariableOtherwise() {
    assertThat(LogEncoder.problem(null)).isNull();
    assertThat(LogEncoder.problem("")).isNull();
    assertThat(LogEncoder.problem("text")).isNull();
    assertThat(LogEncoder.problem(" JSON ")).isNull();
    assertThat(LogEncoder.problem("yaml"))
        .isEqualTo("YATAGARASU_LOG_FORMAT: \"yaml\" (expected: text or json)");
  }
}
