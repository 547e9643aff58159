package io.yatagarasu.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn install} (and {@code deploy}) refuse a jar module whose jar plugin assigned no file,
 * which is what a module with only tests gets: every such module must skip installing and
 * deploying, so {@code ./mvnw install} works as {@code verify} does.
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
}
