package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  private static final AccessLog.Entry ENTRY =
      new AccessLog.Entry(
          "rid-1",
          "203.0.113.7",
          "127.0.0.1",
          "GET",
          "/assets/a\"b.txt",
          "assets",
          206,
          1234,
          5678,
          206,
          1500,
          null,
          "user-7",
          "corp");

  @Test
  void jsonLineHasEveryField() throws Exception {
    JsonNode line = new ObjectMapper().readTree(AccessLog.json(ENTRY));
    assertThat(line.get("requestId").asText()).isEqualTo("rid-1");
    assertThat(line.get("client").asText()).isEqualTo("203.0.113.7");
    assertThat(line.get("peer").asText()).isEqualTo("127.0.0.1");
    assertThat(line.get("method").asText()).isEqualTo("GET");
    assertThat(line.get("path").asText()).isEqualTo("/assets/a\"b.txt");
    assertThat(line.get("bucket").asText()).isEqualTo("assets");
    assertThat(line.get("status").asInt()).isEqualTo(206);
    assertThat(line.get("bytes").asLong()).isEqualTo(1234);
    assertThat(line.get("durationMs").asDouble()).isEqualTo(5.678);
    assertThat(line.get("upstreamStatus").asInt()).isEqualTo(206);
    assertThat(line.get("upstreamMs").asDouble()).isEqualTo(1.5);
    assertThat(line.has("ts")).isTrue();
    assertThat(line.get("sub").asText()).isEqualTo("user-7");
    assertThat(line.get("issuer").asText()).isEqualTo("corp");
  }

  @Test
  void textLineStartsWithAnIsoTimestamp() {
    assertThat(AccessLog.text(ENTRY, Instant.parse("2026-11-30T06:20:05Z")))
        .startsWith("2026-11-30T06:20:05.000Z GET /assets/a\"b.txt 206 ");
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String line = AccessLog.text(ENTRY);
    Instant after = Instant.now();
    Instant written = Instant.parse(line.substring(0, line.indexOf(' ')));
    assertThat(written).isBetween(before, after);
  }

  @Test
  void textLineIsReadable() {
    assertThat(AccessLog.text(ENTRY, Instant.parse("2026-11-30T06:20:05.123Z")))
        .startsWith(
            "2026-11-30T06:20:05.123Z GET /assets/a\"b.txt 206 1234B 5.678ms bucket=assets"
                + " upstream=206")
        .contains(" sub=user-7 issuer=corp")
        .endsWith(" client=203.0.113.7 peer=127.0.0.1 rid=rid-1");
  }

  @Test
  void aRequestThatNeverReachedTheAddressChecksLogsOnlyItsPeer() throws Exception {
    AccessLog.Entry local =
        new AccessLog.Entry(
            "rid-2",
            null,
            "10.0.0.9",
            "GET",
            "/nope",
            null,
            404,
            10,
            50,
            0,
            -1,
            "NoSuchBucket",
            null,
            null);
    JsonNode line = new ObjectMapper().readTree(AccessLog.json(local));
    assertThat(line.get("client").isNull()).isTrue();
    assertThat(line.get("peer").asText()).isEqualTo("10.0.0.9");
    assertThat(AccessLog.text(local)).endsWith(" client=- peer=10.0.0.9 rid=rid-2");
  }

  @Test
  void aTracedRequestLogsItsTraceAndSpanIds() throws Exception {
    AccessLog.Entry traced =
        new AccessLog.Entry(
            "rid-3",
            null,
            "10.0.0.9",
            "GET",
            "/assets/a.txt",
            "assets",
            200,
            10,
            50,
            200,
            20,
            null,
            null,
            null,
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7");
    JsonNode line = new ObjectMapper().readTree(AccessLog.json(traced));
    assertThat(line.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(line.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
    assertThat(AccessLog.text(traced))
        .endsWith(" rid=rid-3 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
    assertThat(AccessLog.json(ENTRY)).doesNotContain("trace_id");
  }
}
