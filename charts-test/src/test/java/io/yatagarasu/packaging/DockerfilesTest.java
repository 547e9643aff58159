package io.yatagarasu.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No Docker engine runs here, so the Dockerfiles are checked as text: every COPY source exists in
 * the repository or is made by an earlier stage, the jar is the one the build writes and the one
 * the entrypoint starts, and the runtime stage is non-root, shell-free and stops on SIGTERM.
 */
class DockerfilesTest {
  static final Path ROOT =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).toAbsolutePath().normalize();
  private static final Pattern FROM =
      Pattern.compile("^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern COPY =
      Pattern.compile("^COPY\\s+(?:--from=(\\S+)\\s+)?(.+)$", Pattern.CASE_INSENSITIVE);

  /** The readiness URL the proxy image's HEALTHCHECK probes: the default admin listener. */
  static final String PROXY_READY = "http://127.0.0.1:9090/ready";

  /** One stage: its base image, and its instructions with continuation lines joined. */
  record Stage(String name, String base, List<String> instructions) {}

  @ParameterizedTest
  @ValueSource(strings = {"proxy", "operator"})
  void copySourcesExistAndTheJarIsTheBuildsOwn(String module) throws IOException {
    List<Stage> stages = stages(ROOT.resolve("Dockerfile." + module));
    Map<String, Stage> byName = new HashMap<>();
    stages.forEach(s -> byName.put(s.name(), s));
    String jar = module + "/target/yatagarasu-" + module + ".jar";
    assertThat(Files.readString(ROOT.resolve(module).resolve("pom.xml")))
        .as("the build writes " + jar)
        .contains(
            "<outputFile>${project.build.directory}/yatagarasu-" + module + ".jar</outputFile>");

    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
    for (Stage stage : stages) {
      for (String instruction : stage.instructions()) {
        Matcher copy = COPY.matcher(instruction);
        if (!copy.matches()) {
          continue;
        }
        List<String> parts = List.of(copy.group(2).trim().split("\\s+"));
        List<String> sources = parts.subList(0, parts.size() - 1);
        String from = copy.group(1);
        for (String source : sources) {
          if (from == null) {
            assertThat(ROOT.resolve(source)).as("COPY source " + source).exists();
            assertThat(ignored)
                .as(".dockerignore keeps " + source)
                .doesNotContain(source, source + "/");
          } else {
            Stage producer = byName.get(from);
            assertThat(producer).as("stage " + from).isNotNull();
            assertThat(madeBy(producer, source))
                .as("COPY --from=" + from + " " + source + " is made in that stage")
                .isTrue();
          }
        }
      }
    }

    Stage build = stages.get(0);
    assertThat(String.join("\n", build.instructions()))
        .contains("./mvnw ")
        .contains("-pl " + module + " -am package");
    String modules = Files.readString(ROOT.resolve("pom.xml"));
    Matcher module2 = Pattern.compile("<module>([^<]+)</module>").matcher(modules);
    while (module2.find()) {
      // Maven reads every module of the parent pom, even with -pl.
      assertThat(build.instructions())
          .as("the build stage copies module " + module2.group(1))
          .anyMatch(i -> i.matches("COPY\\s+" + Pattern.quote(module2.group(1)) + "\\s+.*"));
    }

    Stage runtime = stages.get(stages.size() - 1);
    String runtimeText = String.join("\n", runtime.instructions());
    assertThat(runtime.base()).startsWith("gcr.io/distroless/");
    assertThat(runtimeText)
        .contains(
            "COPY --from=build /src/" + jar + " /opt/yatagarasu/yatagarasu-" + module + ".jar")
        .contains("STOPSIGNAL SIGTERM")
        .contains("org.opencontainers.image.source")
        .contains("org.opencontainers.image.version");
    String entrypoint =
        runtime.instructions().stream()
            .filter(i -> i.startsWith("ENTRYPOINT"))
            .findFirst()
            .orElseThrow();
    assertThat(entrypoint)
        .as("exec form: no shell at run time")
        .startsWith("ENTRYPOINT [\"")
        .contains("-XX:MaxRAMPercentage=")
        .as("native memory freed after a burst goes back to the system")
        .contains("-XX:TrimNativeHeapInterval=")
        .contains("\"-jar\", \"/opt/yatagarasu/yatagarasu-" + module + ".jar\"");
    if (module.equals("proxy")) {
      String healthcheck =
          runtime.instructions().stream()
              .filter(i -> i.startsWith("HEALTHCHECK"))
              .findFirst()
              .orElseThrow();
      assertThat(healthcheck)
          .as("exec form, the image's own java and jar, probing the default admin listener")
          .contains("CMD [\"/opt/java/bin/java\"")
          .contains("\"-jar\", \"/opt/yatagarasu/yatagarasu-proxy.jar\"")
          .contains("\"--probe\", \"" + PROXY_READY + "\"");
      assertThat(
              Files.readString(
                  ROOT.resolve("proxy/src/main/java/io/yatagarasu/proxy/ProxyMain.java")))
          .as("the proxy jar has a --probe mode")
          .contains("case \"--probe\"");
    }
    String user =
        runtime.instructions().stream().filter(i -> i.startsWith("USER")).findFirst().orElseThrow();
    assertThat(user).doesNotContain("root").isNotEqualTo("USER 0").isNotEqualTo("USER 0:0");
  }

  private static boolean madeBy(Stage stage, String path) {
    String text = String.join("\n", stage.instructions());
    if (path.equals("/jre")) {
      return text.contains("jlink") && text.contains("--output /jre");
    }
    Matcher jar =
        Pattern.compile("^/src/([a-z-]+)/target/yatagarasu-([a-z-]+)\\.jar$").matcher(path);
    return jar.matches()
        && jar.group(1).equals(jar.group(2))
        && text.contains("WORKDIR /src")
        && text.contains("-pl " + jar.group(1) + " -am package");
  }

  static List<Stage> stages(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String trimmed = line.trim();
      if (trimmed.startsWith("#") || trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      instructions.add(current.toString());
      current.setLength(0);
    }
    List<Stage> stages = new ArrayList<>();
    for (String instruction : instructions) {
      Matcher from = FROM.matcher(instruction);
      if (from.matches()) {
        stages.add(
            new Stage(
                from.group(2) == null ? "" : from.group(2), from.group(1), new ArrayList<>()));
      } else {
        assertThat(stages).as("instruction before FROM: " + instruction).isNotEmpty();
        stages.get(stages.size() - 1).instructions().add(instruction);
      }
    }
    return stages;
  }
}
