package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));
  private static final String BUCKETS =
      "buckets:\n"
          + "  - { name: web, pathPrefix: /web, s3: { bucket: web-assets, region: r },"
          + " auth: { type: public } }\n";

  @Test
  void tracingIsOffWithDefaultsWhenAbsent() throws Exception {
    TracingConfig tracing = PARSER.parseYaml(BUCKETS).tracing();
    assertThat(tracing).isEqualTo(TracingConfig.defaults());
    assertThat(tracing.enabled()).isFalse();
    assertThat(tracing.endpoint()).isNull();
    assertThat(tracing.protocol()).isEqualTo(TracingProtocol.HTTP_PROTOBUF);
    assertThat(tracing.samplingRatio()).isEqualTo(1.0);
    assertThat(tracing.serviceName()).isNull();
    assertThat(tracing.resourceAttributes()).isEmpty();
  }

  @Test
  void readsEveryTracingKeyAndWritesItBack() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            "tracing:\n"
                + "  enabled: true\n"
                + "  endpoint: http://collector:4318/v1/traces\n"
                + "  protocol: http/protobuf\n"
                + "  samplingRatio: 0.01\n"
                + "  serviceName: edge-proxy\n"
                + "  resourceAttributes: { deployment.environment: prod, team: storage, tier: 1 }\n"
                + BUCKETS);
    assertThat(config.tracing())
        .isEqualTo(
            new TracingConfig(
                true,
                URI.create("http://collector:4318/v1/traces"),
                TracingProtocol.HTTP_PROTOBUF,
                0.01,
                "edge-proxy",
                Map.of("deployment.environment", "prod", "team", "storage", "tier", "1")));
    assertThat(config.tracing().resourceAttributes().keySet())
        .containsExactly("deployment.environment", "team", "tier");
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void defaultTracingSettingsLeaveTheContentHashAsItWas() throws Exception {
    ProxyConfig without = PARSER.parseYaml(BUCKETS);
    ProxyConfig withDefaults =
        PARSER.parseYaml(
            "tracing: { enabled: false, protocol: http/protobuf, samplingRatio: 1 }\n" + BUCKETS);
    assertThat(ConfigWriter.toJson(withDefaults)).doesNotContain("tracing");
    assertThat(ConfigWriter.contentHash(withDefaults)).isEqualTo(ConfigWriter.contentHash(without));
  }

  @Test
  void reportsEveryBadTracingSettingByItsPath() {
    List<String> errors =
        catchThrowableOfType(
                ConfigException.class,
                () ->
                    PARSER.parseYaml(
                        "tracing:\n"
                            + "  enabled: yes-please\n"
                            + "  endpoint: ftp://collector/v1/traces\n"
                            + "  protocol: grpc\n"
                            + "  samplingRatio: 1.5\n"
                            + "  serviceName: ''\n"
                            + "  resourceAttributes: { team: [a, b] }\n"
                            + "  exporter: zipkin\n"
                            + BUCKETS))
            .errors();
    assertThat(errors)
        .containsExactly(
            "tracing.enabled: \"yes-please\" is not a boolean (expected: true or false)",
            "tracing.endpoint: is not an absolute http or https URL",
            "tracing.protocol: \"grpc\" is not supported (expected one of: http/protobuf)",
            "tracing.samplingRatio: 1.5 (expected: 0..1)",
            "tracing.serviceName: must not be empty",
            "tracing.resourceAttributes.team: is a list (expected: a string)",
            "tracing.exporter: unknown key (expected one of: enabled, endpoint, protocol,"
                + " samplingRatio, serviceName, resourceAttributes)");
  }

  @Test
  void refusesASamplingRatioThatIsNotANumber() {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () -> PARSER.parseYaml("tracing: { samplingRatio: half }\n" + BUCKETS))
                .errors())
        .containsExactly("tracing.samplingRatio: \"half\" is not a number");
  }

  @Test
  void recordRefusesValuesOutsideTheirRanges() {
    assertThatThrownBy(
            () ->
                new TracingConfig(true, null, TracingProtocol.HTTP_PROTOBUF, -0.1, null, Map.of()))
        .hasMessage("samplingRatio: -0.1 (expected: 0..1)");
    assertThatThrownBy(
            () ->
                new TracingConfig(
                    true,
                    URI.create("collector:4318"),
                    TracingProtocol.HTTP_PROTOBUF,
                    1,
                    null,
                    Map.of()))
        .hasMessage("endpoint: is not an absolute http or https URL");
  }
}
