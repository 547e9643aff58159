package io.yatagarasu.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The 422 answer to a snapshot with keys this proxy release does not know. */
class SnapshotRejectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A snapshot as a newer operator could render it: one key at the top, one inside a bucket. */
  private static final String NEWER_SNAPSHOT =
      """
      {"generation": 7,
       "buckets": [{"name": "photos", "pathPrefix": "/photos",
                    "s3": {"bucket": "photos", "region": "us-east-1"},
                    "auth": {"type": "public"},
                    "futureField": {"enabled": true}}],
       "profiling": {"sampleRate": 0.1}}
      """;

  private static ConfigException parse(String document) {
    ConfigParser parser = new ConfigParser(Environment.of(Map.of()));
    try {
      parser.parseJsonDocument(document);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the document to be rejected");
  }

  @Test
  void unknownKeysAreNamedFirstAndSaidToComeFromANewerOperator() throws Exception {
    ConfigException refused = parse(NEWER_SNAPSHOT);
    FullHttpResponse response =
        AdminHandler.rejected(
            HttpResponseStatus.UNPROCESSABLE_ENTITY,
            SnapshotRejection.errors(refused),
            refused.unknownKeys());
    try {
      assertThat(response.status().code()).isEqualTo(422);
      JsonNode body = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
      assertThat(body.get("status").asText()).isEqualTo("rejected");
      assertThat(JSON.convertValue(body.get("unknownKeys"), List.class))
          .containsExactly("buckets[0].futureField", "profiling");
      List<String> errors = JSON.convertValue(body.get("errors"), List.class);
      assertThat(errors.get(0))
          .isEqualTo(
              "snapshot keys unknown to this proxy: buckets[0].futureField, profiling; this proxy is"
                  + " older than the operator that rendered the snapshot: upgrade the proxy image"
                  + " to the operator's release (or roll the operator back); until then it keeps"
                  + " serving its current snapshot");
      assertThat(errors.subList(1, errors.size()))
          .anyMatch(e -> e.startsWith("buckets[0].futureField: unknown key (expected one of: "))
          .anyMatch(e -> e.startsWith("profiling: unknown key (expected one of: "));
    } finally {
      response.release();
    }
  }

  @Test
  void otherProblemsKeepTheirOwnLinesWithoutTheVersionHint() {
    ConfigException refused =
        parse(
            """
            {"buckets": [{"name": "photos", "pathPrefix": "/photos",
                          "s3": {"bucket": "photos", "region": ""},
                          "auth": {"type": "public"}}]}
            """);

    assertThat(refused.unknownKeys()).isEmpty();
    assertThat(SnapshotRejection.errors(refused))
        .containsExactly("buckets[0].s3.region: must not be empty");
  }
}
