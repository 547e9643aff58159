package io.yatagarasu.proxy.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.yatagarasu.config.TracingConfig;
import io.yatagarasu.config.TracingProtocol;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyTracerTest {
  private static TracingConfig on(URI endpoint, String serviceName, Map<String, String> attrs) {
    return new TracingConfig(
        true, endpoint, TracingProtocol.HTTP_PROTOBUF, 1.0, serviceName, attrs);
  }

  @Test
  void offHoldsNoSdk() {
    assertThat(ProxyTracer.build(TracingConfig.defaults(), Map.of())).isSameAs(ProxyTracer.OFF);
    assertThat(ProxyTracer.OFF.on()).isFalse();
    assertThat(ProxyTracer.OFF.tracer()).isNull();
  }

  @Test
  void otelSdkDisabledKeepsTracingOff() {
    ProxyTracer tracer =
        ProxyTracer.build(on(null, null, Map.of()), Map.of("OTEL_SDK_DISABLED", "true"));
    assertThat(tracer.on()).isFalse();
  }

  @Test
  void theDocumentsEndpointWinsOverTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/v1/traces",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318");
    assertThat(
            ProxyTracer.endpoint(on(URI.create("http://doc:4318/v1/traces"), null, Map.of()), env))
        .isEqualTo(URI.create("http://doc:4318/v1/traces"));
    assertThat(ProxyTracer.endpoint(on(null, null, Map.of()), env))
        .isEqualTo(URI.create("http://traces:4318/v1/traces"));
    assertThat(
            ProxyTracer.endpoint(
                on(null, null, Map.of()),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318")))
        .isEqualTo(URI.create("http://base:4318/v1/traces"));
    assertThat(ProxyTracer.endpoint(on(null, null, Map.of()), Map.of()))
        .isEqualTo(ProxyTracer.DEFAULT_ENDPOINT);
  }

  @Test
  void theDocumentsServiceNameAndAttributesWinOverTheEnvironment() {
    Map<String, String> env =
        Map.of(
            "OTEL_SERVICE_NAME", "from-env",
            "OTEL_RESOURCE_ATTRIBUTES", "team=env-team,region=eu%2Dwest");
    var resource =
        ProxyTracer.resource(on(null, "from-doc", Map.of("team", "doc-team")), env).getAttributes();
    assertThat(resource.get(AttributeKey.stringKey("service.name"))).isEqualTo("from-doc");
    assertThat(resource.get(AttributeKey.stringKey("team"))).isEqualTo("doc-team");
    assertThat(resource.get(AttributeKey.stringKey("region"))).isEqualTo("eu-west");
    assertThat(ProxyTracer.serviceName(on(null, null, Map.of()), env)).isEqualTo("from-env");
    assertThat(ProxyTracer.serviceName(on(null, null, Map.of()), Map.of()))
        .isEqualTo(ProxyTracer.DEFAULT_SERVICE_NAME);
  }
}
