package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert of docs/prometheus-rule.yaml fires on the series it is meant for and stays quiet on
 * healthy ones: {@code promtool test rules} runs the cases in {@code
 * promtool/prometheus-rule-tests.yaml} against the rule's groups.
 */
class PrometheusRuleAlertsTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final String TESTS = "promtool/prometheus-rule-tests.yaml";

  @TempDir Path dir;

  @Test
  void everyAlertPassesItsPromtoolTests() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    // .ci/run installs Debian's prometheus package, so CI always runs this check.
    if (System.getenv("CI") == null) {
      assumeThat(Files.isExecutable(promtool)).as("promtool installed").isTrue();
    }
    JsonNode rule =
        YAML.readTree(RepoPaths.read(RepoPaths.ROOT.resolve("docs/prometheus-rule.yaml")));
    YAML.writeValue(
        dir.resolve("rules.yaml").toFile(),
        YAML.createObjectNode().set("groups", rule.path("spec").path("groups")));
    Path tests = dir.resolve("tests.yaml");
    Files.writeString(tests, resource(TESTS));
    Process run =
        new ProcessBuilder(promtool.toString(), "test", "rules", tests.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(output).isZero();
    assertThat(output).contains("SUCCESS");
  }

  @Test
  void everyAlertHasACaseWhereItFiresAndOneWhereItDoesNot() throws Exception {
    JsonNode rule =
        YAML.readTree(RepoPaths.read(RepoPaths.ROOT.resolve("docs/prometheus-rule.yaml")));
    Set<String> alerts = new TreeSet<>();
    rule.path("spec")
        .path("groups")
        .forEach(
            g ->
                g.path("rules")
                    .forEach(
                        r -> {
                          if (r.hasNonNull("alert")) {
                            alerts.add(r.get("alert").asText());
                          }
                        }));
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    YAML.readTree(resource(TESTS))
        .path("tests")
        .forEach(
            t ->
                t.path("alert_rule_test")
                    .forEach(
                        c ->
                            (c.path("exp_alerts").isEmpty() ? quiet : firing)
                                .add(c.path("alertname").asText())));
    assertThat(alerts).isNotEmpty();
    assertThat(firing).as("alerts with a firing case").containsAll(alerts);
    assertThat(quiet).as("alerts with a quiet case").containsAll(alerts);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in =
        PrometheusRuleAlertsTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
