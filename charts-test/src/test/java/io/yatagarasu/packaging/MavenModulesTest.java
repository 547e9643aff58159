package io.yatagarasu.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn install} (and {@code deploy}) refuse a jar module whose jar plugin assigned no file,
 * which is what a module with only tests gets: every such module must skip installing and
 * deploying, so {@code ./mvnw install} works as {@code verify} does. And every module with code is
 * measured: it has a coverage gate and is part of the aggregate coverage report.
 */
class MavenModulesTest {
  private static final Path ROOT = DockerfilesTest.ROOT;

  @Test
  void everyModuleWithoutMainCodeSkipsInstallAndDeploy() throws IOException {
    Matcher module =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    int testOnly = 0;
    while (module.find()) {
      Path dir = ROOT.resolve(module.group(1));
      String pom = Files.readString(dir.resolve("pom.xml"));
      boolean hasMainCode = Files.isDirectory(dir.resolve("src/main"));
      if (hasMainCode || pom.contains("<packaging>pom</packaging>")) {
        continue;
      }
      testOnly++;
      assertThat(pom)
          .as(module.group(1) + " has only tests: its jar is empty and must not be installed")
          .contains("<maven.install.skip>true</maven.install.skip>")
          .contains("<maven.deploy.skip>true</maven.deploy.skip>");
    }
    assertThat(testOnly).as("charts-test holds only tests").isGreaterThanOrEqualTo(1);
  }

  @Test
  void everyModuleWithCodeAndTestsHasACoverageGateAndIsInTheAggregateReport() throws IOException {
    String aggregate = Files.readString(ROOT.resolve("coverage/pom.xml"));
    List<String> gated = new ArrayList<>();
    for (String name : modules()) {
      Path dir = ROOT.resolve(name);
      String pom = Files.readString(dir.resolve("pom.xml"));
      String artifactId = artifactId(pom);
      boolean hasMainCode = Files.isDirectory(dir.resolve("src/main"));
      boolean hasTests = Files.isDirectory(dir.resolve("src/test"));
      if (pom.contains("<jacoco.skip>true</jacoco.skip>")) {
        assertThat(hasTests).as(name + " skips coverage, so it must have no tests").isFalse();
        assertThat(aggregate).as(name).doesNotContain("<artifactId>" + artifactId + "<");
        continue;
      }
      if (hasMainCode || hasTests) {
        assertThat(aggregate)
            .as(name + ": coverage/pom.xml must name it for the aggregate report")
            .contains("<artifactId>" + artifactId + "</artifactId>");
      }
      if (hasMainCode) {
        gated.add(name);
        assertThat(pom)
            .as(name + " has code: it sets its coverage gate")
            .containsPattern("<coverage\\.line\\.minimum>0\\.\\d\\d</coverage\\.line\\.minimum>")
            .containsPattern(
                "<coverage\\.branch\\.minimum>0\\.\\d\\d</coverage\\.branch\\.minimum>");
      }
    }
    assertThat(gated).contains("config", "proxy", "operator");
  }

  private static List<String> modules() throws IOException {
    Matcher module =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    List<String> names = new ArrayList<>();
    while (module.find()) {
      names.add(module.group(1));
    }
    return names;
  }

  /** The module's own artifactId: the first one after the parent element. */
  private static String artifactId(String pom) {
    Matcher id =
        Pattern.compile("<artifactId>([^<]+)</artifactId>")
            .matcher(pom.substring(pom.indexOf("</parent>")));
    assertThat(id.find()).isTrue();
    return id.group(1);
  }
}
