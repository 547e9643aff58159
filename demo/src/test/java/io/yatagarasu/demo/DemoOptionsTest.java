package io.yatagarasu.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void defaultsToPorts8080And9090() {
    assertThat(DemoOptions.parse()).isEqualTo(new DemoOptions(8080, 9090, false));
  }

  @Test
  void takesPortsAsSeparateOrJoinedValues() {
    assertThat(DemoOptions.parse("--port", "18080", "--admin-port=19090"))
        .isEqualTo(new DemoOptions(18080, 19090, false));
  }

  @Test
  void zeroAsksForAnyFreePort() {
    assertThat(DemoOptions.parse("--port", "0", "--admin-port", "0"))
        .isEqualTo(new DemoOptions(0, 0, false));
  }

  @Test
  void helpStopsParsing() {
    assertThat(DemoOptions.parse("--help", "--bogus").help()).isTrue();
  }

  @Test
  void rejectsAnUnknownArgument() {
    assertThatThrownBy(() -> DemoOptions.parse("--bogus")).hasMessage("unknown argument: --bogus");
  }

  @Test
  void rejectsAMissingPortValue() {
    assertThatThrownBy(() -> DemoOptions.parse("--port")).hasMessage("--port needs a port number");
  }

  @Test
  void rejectsAPortOutOfRange() {
    assertThatThrownBy(() -> DemoOptions.parse("--admin-port", "70000"))
        .hasMessage("--admin-port: 70000 (expected: 0-65535)");
  }

  @Test
  void rejectsAPortThatIsNotANumber() {
    assertThatThrownBy(() -> DemoOptions.parse("--port", "http"))
        .hasMessageContaining("expected: a port number");
  }

  @Test
  void rejectsTheSamePortForBothListeners() {
    assertThatThrownBy(() -> DemoOptions.parse("--port", "9000", "--admin-port", "9000"))
        .hasMessageContaining("different ports");
  }
}
