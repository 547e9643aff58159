package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The structure-only check: references are neither resolved nor checked; the rest is. */
class StructureProblemsTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void aDocumentWhoseOnlyUnknownsAreReferencesHasNoProblem() throws Exception {
    Path file =
        write(
            "ok.yaml",
            """
            server: { listen: "${LISTEN}", maxConcurrentRequests: "${MAX}" }
            buckets:
              - name: assets
                pathPrefix: ${PREFIX}
                s3:
                  bucket: my-assets
                  region: ${REGION}
                  endpoint: "http://${HOST}:${PORT}"
                  credentials:
                    accessKeyId: ${file:/nowhere/id}
                    secretAccessKey: ${file:/nowhere/secret}
                auth: { type: public }
            """);
    assertThat(ConfigParser.structureProblems(file)).isEmpty();
  }

  @Test
  void literalValuesKeysAndTypesAreStillChecked() throws Exception {
    Path file =
        write(
            "bad.yaml",
            """
            server: { listen: "${LISTEN}", drainDelay: soon }
            buckets:
              - name: Assets
                pathPrefix: /assets
                s3: { bucket: my-assets, region: "${REGION}", regoin: x }
                auth: { type: public }
            """);
    assertThat(ConfigParser.structureProblems(file))
        .anyMatch(p -> p.startsWith("server.drainDelay:"))
        .anyMatch(p -> p.startsWith("buckets[0].name:"))
        .anyMatch(p -> p.startsWith("buckets[0].s3.regoin: unknown key"))
        .noneMatch(p -> p.startsWith("server.listen"))
        .noneMatch(p -> p.startsWith("buckets[0].s3.region"));
  }

  @Test
  void aMalformedReferenceIsAProblem() throws Exception {
    Path file =
        write(
            "syntax.yaml",
            """
            buckets:
              - name: assets
                pathPrefix: /assets
                s3: { bucket: my-assets, region: "${REGION", endpoint: "http://${9HOST}" }
                auth: { type: public }
            """);
    assertThat(ConfigParser.structureProblems(file))
        .anyMatch(p -> p.startsWith("buckets[0].s3.region: unterminated ${"))
        .anyMatch(p -> p.startsWith("buckets[0].s3.endpoint: \"9HOST\" is not a variable name"));
  }

  @Test
  void aLiteralDollarBraceIsCheckedLikeAnyValue() throws Exception {
    // $${ is a literal ${, not a reference: the value is checked (an empty region is not).
    Path file =
        write(
            "literal.yaml",
            """
            buckets:
              - name: assets
                pathPrefix: /a$${x}
                s3: { bucket: my-assets, region: "" }
                auth: { type: public }
            """);
    assertThat(ConfigParser.structureProblems(file))
        .containsExactly("buckets[0].s3.region: must not be empty");
  }

  @Test
  void syntaxErrorsAndUnreadableFilesAreProblems() throws Exception {
    assertThat(ConfigParser.structureProblems(write("broken.yaml", "server: [\n")))
        .singleElement()
        .asString()
        .contains("line");
    assertThat(ConfigParser.structureProblems(dir.resolve("missing.yaml")))
        .singleElement()
        .asString()
        .contains("no such file");
  }
}
