package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/prometheus-rule.yaml is a valid PrometheusRule whose alerts use documented metrics. */
class PrometheusRuleExampleTest {
  @Test
  void parsesStrictlyAndUsesDocumentedMetrics() {
    List<HasMetadata> documents =
        StrictModel.parseAll(RepoPaths.read(RepoPaths.ROOT.resolve("docs/prometheus-rule.yaml")));
    PrometheusRule rule = (PrometheusRule) documents.get(0);
    String documented =
        RepoPaths.read(RepoPaths.ROOT.resolve("docs/metrics.md"))
            + RepoPaths.read(RepoPaths.ROOT.resolve("docs/operator.md"));
    rule.getSpec().getGroups().stream()
        .flatMap(g -> g.getRules().stream())
        .forEach(
            alert -> {
              assertThat(alert.getAlert()).isNotBlank();
              java.util.regex.Matcher metric =
                  java.util.regex.Pattern.compile("yatagarasu_[a-z_]+")
                      .matcher(alert.getExpr().getStrVal());
              while (metric.find()) {
                String name = metric.group().replaceAll("_(bucket|count|sum)$", "");
                assertThat(documented).as(alert.getAlert() + " uses " + name).contains(name);
              }
            });
  }
}
