package io.yatagarasu.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The GitHub workflows and Dependabot run only on GitHub, so here they are checked as text: every
 * file, folder, Dockerfile, compose service and seeded object they name exists in the repository.
 */
class WorkflowsTest {
  private static final Path ROOT = DockerfilesTest.ROOT;
  private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
  private static final Pattern URL_PATH =
      Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/[A-Za-z0-9/._-]+)");

  private static JsonNode yaml(Path file) throws IOException {
    return new YAMLMapper().readTree(file.toFile());
  }

  private static List<JsonNode> steps(JsonNode workflow) {
    List<JsonNode> steps = new ArrayList<>();
    workflow.path("jobs").forEach(job -> job.path("steps").forEach(steps::add));
    return steps;
  }

  @Test
  void everyWorkflowRunsScriptsAndDockerfilesThatExist() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(WORKFLOWS)) {
      files = list.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(files).extracting(f -> f.getFileName().toString()).contains("ci.yml", "release.yml");
    for (Path file : files) {
      JsonNode workflow = yaml(file);
      for (JsonNode job : workflow.path("jobs")) {
        List<String> components = new ArrayList<>();
        job.path("strategy")
            .path("matrix")
            .path("component")
            .forEach(c -> components.add(c.asText()));
        String workingDirectory =
            job.path("defaults").path("run").path("working-directory").asText("");
        if (!workingDirectory.isEmpty()) {
          assertThat(ROOT.resolve(workingDirectory))
              .as(file + ": " + workingDirectory)
              .isDirectory();
        }
        for (JsonNode step : job.path("steps")) {
          String dockerfile = step.path("with").path("file").asText("");
          if (!dockerfile.isEmpty()) {
            assertThat(components).as(file + ": one image per component").isNotEmpty();
            for (String component : components) {
              String name = dockerfile.replace("${{ matrix.component }}", component);
              assertThat(ROOT.resolve(name)).as(file + ": " + name).isRegularFile();
              assertThat(step.path("with").path("context").asText()).isEqualTo(".");
            }
          }
          String run = step.path("run").asText("");
          if (run.contains("bash .ci/run")) {
            assertThat(ROOT.resolve(".ci/run")).isRegularFile();
          }
          if (run.contains("helm package")) {
            Matcher chart = Pattern.compile("helm package (\\S+)").matcher(run);
            assertThat(chart.find()).isTrue();
            assertThat(ROOT.resolve(chart.group(1)).resolve("Chart.yaml")).isRegularFile();
          }
          Matcher jar = Pattern.compile("([a-z]+)/target/yatagarasu-([a-z]+)\\.jar").matcher(run);
          while (jar.find()) {
            assertThat(jar.group(1)).isEqualTo(jar.group(2));
            assertThat(Files.readString(ROOT.resolve(jar.group(1)).resolve("pom.xml")))
                .as(file + ": the build writes " + jar.group())
                .contains("/yatagarasu-" + jar.group(2) + ".jar</outputFile>");
          }
        }
      }
    }
  }

  @Test
  void ciBuildsBothImagesWithoutPushing() throws IOException {
    JsonNode images = yaml(WORKFLOWS.resolve("ci.yml")).path("jobs").path("images");
    List<String> components = new ArrayList<>();
    images
        .path("strategy")
        .path("matrix")
        .path("component")
        .forEach(c -> components.add(c.asText()));
    assertThat(components).containsExactlyInAnyOrder("proxy", "operator");
    JsonNode build =
        steps(yaml(WORKFLOWS.resolve("ci.yml"))).stream()
            .filter(s -> s.path("uses").asText().startsWith("docker/build-push-action@"))
            .findFirst()
            .orElseThrow();
    assertThat(build.path("with").path("push").asBoolean(true)).isFalse();
    JsonNode scan =
        steps(yaml(WORKFLOWS.resolve("ci.yml"))).stream()
            .filter(s -> s.path("uses").asText().startsWith("aquasecurity/trivy-action@"))
            .findFirst()
            .orElseThrow()
            .path("with");
    // The policy of docs/security.md: CRITICAL or HIGH with a fix available fails the build.
    assertThat(scan.path("image-ref").asText()).isEqualTo(build.path("with").path("tags").asText());
    assertThat(build.path("with").path("load").asBoolean())
        .as("the scan reads the loaded image")
        .isTrue();
    assertThat(scan.path("severity").asText()).isEqualTo("CRITICAL,HIGH");
    assertThat(scan.path("ignore-unfixed").asBoolean()).isTrue();
    assertThat(scan.path("exit-code").asText()).isEqualTo("1");
    assertThat(Files.readString(ROOT.resolve("docs/security.md")))
        .contains("severity: CRITICAL,HIGH")
        .contains("ignore-unfixed: true");
    JsonNode ci = yaml(WORKFLOWS.resolve("ci.yml"));
    assertThat(ci.path("on").has("push")).as("runs on every push").isTrue();
    assertThat(ci.path("on").path("push").path("branches").isMissingNode())
        .as("on every branch")
        .isTrue();
  }

  @Test
  void ciKeepsTheAggregateCoverageReportThatTheCoverageModuleWrites() throws IOException {
    JsonNode upload =
        steps(yaml(WORKFLOWS.resolve("ci.yml"))).stream()
            .filter(s -> s.path("with").path("name").asText().equals("coverage-report"))
            .findFirst()
            .orElseThrow();
    assertThat(upload.path("uses").asText()).startsWith("actions/upload-artifact@");
    String path = upload.path("with").path("path").asText();
    assertThat(path).isEqualTo("coverage/target/site/jacoco-aggregate/");
    assertThat(Files.readString(ROOT.resolve("coverage/pom.xml")))
        .as("the coverage module writes " + path)
        .contains("<goal>report-aggregate</goal>");
  }

  @Test
  void composeSmokeTestFetchesObjectsTheSeedJobWritesThroughThePublishedPort() throws IOException {
    JsonNode smoke = yaml(WORKFLOWS.resolve("ci.yml")).path("jobs").path("compose-smoke");
    Path example =
        ROOT.resolve(smoke.path("defaults").path("run").path("working-directory").asText());
    assertThat(example).isEqualTo(ROOT.resolve("examples/docker-compose"));
    JsonNode compose = yaml(example.resolve("compose.yaml"));
    String seed = compose.path("services").path("seed").path("command").get(0).asText();
    String proxyPorts = compose.path("services").path("yatagarasu").path("ports").toString();
    assertThat(compose.path("services").path("yatagarasu").path("healthcheck").isObject())
        .as("docker inspect reads .State.Health of a service with a health check")
        .isTrue();

    StringBuilder script = new StringBuilder();
    smoke.path("steps").forEach(s -> script.append(s.path("run").asText("")).append('\n'));
    assertThat(script)
        .contains("docker compose up --detach --build")
        .contains("docker compose ps -q yatagarasu")
        .contains("docker compose down --volumes");
    Matcher url = URL_PATH.matcher(script);
    int fetched = 0;
    while (url.find()) {
      fetched++;
      assertThat(proxyPorts).contains(":-" + url.group(1) + "}:8080");
      String key = url.group(2);
      // /assets/hello.txt is s3://assets/hello.txt, written by the seed job.
      assertThat(seed).as("the seed job writes " + key).contains("local" + key);
    }
    assertThat(fetched).isGreaterThanOrEqualTo(2);
    Matcher expected = Pattern.compile("grep -qx '([^']+)' /tmp/hello.txt").matcher(script);
    assertThat(expected.find()).isTrue();
    assertThat(seed).contains("printf '" + expected.group(1) + "\\n' > /tmp/hello.txt");
  }

  @Test
  void releaseImagesAreMultiArchWithSbomAndProvenance() throws IOException {
    JsonNode build =
        steps(yaml(WORKFLOWS.resolve("release.yml"))).stream()
            .filter(s -> s.path("uses").asText().startsWith("docker/build-push-action@"))
            .findFirst()
            .orElseThrow()
            .path("with");
    assertThat(build.path("platforms").asText()).contains("linux/amd64").contains("linux/arm64");
    assertThat(build.path("sbom").asBoolean()).isTrue();
    assertThat(build.path("provenance").asBoolean()).isTrue();
    assertThat(build.path("push").asBoolean()).isTrue();
  }

  @Test
  void dependabotWatchesMavenActionsAndBothDockerfiles() throws IOException {
    JsonNode updates = yaml(ROOT.resolve(".github/dependabot.yml")).path("updates");
    List<String> ecosystems = new ArrayList<>();
    for (JsonNode update : updates) {
      String ecosystem = update.path("package-ecosystem").asText();
      ecosystems.add(ecosystem);
      Path directory = ROOT.resolve(update.path("directory").asText().replaceFirst("^/", ""));
      assertThat(directory).isDirectory();
      switch (ecosystem) {
        case "maven" -> assertThat(directory.resolve("pom.xml")).isRegularFile();
        case "github-actions" -> assertThat(directory.resolve(".github/workflows")).isDirectory();
        case "docker" ->
            assertThat(directory.resolve("Dockerfile.proxy"))
                .isRegularFile()
                .satisfies(
                    f -> assertThat(directory.resolve("Dockerfile.operator")).isRegularFile());
        default -> throw new AssertionError("unexpected ecosystem " + ecosystem);
      }
    }
    assertThat(ecosystems).containsExactlyInAnyOrder("maven", "github-actions", "docker");
  }
}
