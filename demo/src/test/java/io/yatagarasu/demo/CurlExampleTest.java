package io.yatagarasu.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CurlExampleTest {

  private static final InetSocketAddress DATA = new InetSocketAddress("127.0.0.1", 8080);
  private static final InetSocketAddress ADMIN = new InetSocketAddress("127.0.0.1", 9090);

  @Test
  void encodesSpacesAndNonAsciiLettersButKeepsSlashes() {
    assertThat(CurlExample.encodeKey("docs/read me ü.txt"))
        .isEqualTo("docs/read%20me%20%C3%BC.txt");
  }

  @Test
  void printsAPlainGetWithoutQuotes() {
    assertThat(CurlExample.get("x", "/public/hello.txt", 200).command(DATA, ADMIN))
        .isEqualTo("curl -i http://127.0.0.1:8080/public/hello.txt");
  }

  @Test
  void singleQuotesAHeaderHoldingAQuotedEtag() {
    CurlExample example =
        new CurlExample(
            "x", false, false, "/public/hello.txt", Map.of("If-None-Match", "\"abc\""), 304);

    assertThat(example.command(DATA, ADMIN))
        .isEqualTo("curl -i -H 'If-None-Match: \"abc\"' http://127.0.0.1:8080/public/hello.txt");
  }

  @Test
  void printsHeadAsDashCapitalI() {
    CurlExample example = new CurlExample("x", false, true, "/public/index.html", Map.of(), 200);

    assertThat(example.command(DATA, ADMIN))
        .isEqualTo("curl -I http://127.0.0.1:8080/public/index.html");
  }

  @Test
  void sendsAdminExamplesToTheAdminPort() {
    CurlExample example = new CurlExample("x", true, false, "/ready", Map.of(), 200);

    assertThat(example.command(DATA, ADMIN)).isEqualTo("curl -i http://127.0.0.1:9090/ready");
  }

  @Test
  void shellQuoteEscapesASingleQuote() {
    assertThat(CurlExample.shellQuote("it's")).isEqualTo("'it'\\''s'");
  }
}
