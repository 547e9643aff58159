package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0.0.0.0:8080, 0.0.0.0, 8080",
    "127.0.0.1:0, 127.0.0.1, 0",
    "localhost:65535, localhost, 65535",
    "[::1]:8080, ::1, 8080",
    "[::]:9090, ::, 9090",
    "[fe80::1%eth0]:80, fe80::1%eth0, 80",
    "proxy-0.proxy.svc:8080, proxy-0.proxy.svc, 8080",
  })
  void parsesAndWritesBack(String text, String host, int port) {
    ListenAddress address = ListenAddress.parse(text);

    assertThat(address).isEqualTo(new ListenAddress(host, port));
    assertThat(address).hasToString(text);
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(
      strings = {
        "",
        "8080",
        ":8080",
        "host:",
        "host:port",
        "host:-1",
        "::1:8080",
        "[::1]8080",
        "[::1]",
        "[localhost]:80",
        "[]:80",
        "a b:80",
        "host:123456",
        "http://host:80"
      })
  void refusesWhatIsNotHostAndPort(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ListenAddress.parse(text))
        .withMessage(
            Rules.quote(text)
                + " is not a listen address (expected: host:port, e.g. 0.0.0.0:8080 or"
                + " [::1]:8080)");
  }

  @Test
  void refusesAPortAbove65535() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ListenAddress.parse("[::1]:65536"))
        .withMessage("\"[::1]:65536\" has port 65536 (expected: 0..65535)");
  }

  @Test
  void checksItsComponents() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ListenAddress("localhost", 70000))
        .withMessage("port: 70000 (expected: 0..65535)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ListenAddress("", 80))
        .withMessage("host: must not be empty");
  }
}
