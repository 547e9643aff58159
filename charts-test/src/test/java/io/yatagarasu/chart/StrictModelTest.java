package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The strict parse catches what a chart typo produces. */
class StrictModelTest {
  @Test
  void misspeltFieldDeepInADeploymentFails() {
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          template:
            spec:
              containers:
                - name: c
                  readinessProbe: {httpGet: {path: /readyz, port: 8081}, periodSecond: 5}
        """;
    assertThatThrownBy(() -> StrictModel.parseAll(yaml))
        .hasMessageContaining("readinessProbe.periodSecond");
  }

  @Test
  void unknownKindAndMisspeltServiceMonitorFieldFail() {
    assertThatThrownBy(
            () ->
                StrictModel.parseAll(
                    "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: x}\n"))
        .hasMessageContaining("not a known model");
    assertThatThrownBy(
            () ->
                StrictModel.parseAll(
                    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n"
                        + "spec: {endpoints: [{port: http, intervall: 5s}]}\n"))
        .hasMessageContaining("intervall");
    assertThatThrownBy(
            () ->
                StrictModel.parseAll(
                    "apiVersion: yatagarasu.io/v1alpha1\nkind: S3ProxyConfig\nmetadata: {name: x}\n"
                        + "spec: {replica: 2}\n"))
        .hasMessageContaining("replica");
  }

  @Test
  void wellFormedDocumentsParse() {
    assertThat(
            StrictModel.parseAll(
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n---\n"))
        .hasSize(1);
  }
}
