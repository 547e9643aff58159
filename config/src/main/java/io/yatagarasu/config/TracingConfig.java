package io.yatagarasu.config;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OpenTelemetry tracing of object requests: off unless {@code enabled}; spans go by OTLP to {@code
 * endpoint}; {@code samplingRatio} of the traces a client did not already decide are kept. A null
 * {@code endpoint} or {@code serviceName} is taken from the standard {@code OTEL_*} variables of
 * the proxy's environment (then a default); {@code resourceAttributes} are added over {@code
 * OTEL_RESOURCE_ATTRIBUTES}.
 */
public record TracingConfig(
    boolean enabled,
    URI endpoint,
    TracingProtocol protocol,
    double samplingRatio,
    String serviceName,
    Map<String, String> resourceAttributes) {
  private static final TracingConfig DEFAULTS =
      new TracingConfig(false, null, TracingProtocol.HTTP_PROTOBUF, 1.0, null, Map.of());

  public TracingConfig {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(resourceAttributes, "resourceAttributes");
    if (endpoint != null) {
      Rules.require("endpoint", Rules.httpUrl(endpoint));
    }
    Rules.require("samplingRatio", Rules.samplingRatio(samplingRatio));
    if (serviceName != null) {
      Rules.require("serviceName", Rules.notEmpty(serviceName));
    }
    for (Map.Entry<String, String> e : resourceAttributes.entrySet()) {
      Rules.require("resourceAttributes", Rules.notEmpty(e.getKey()));
      Objects.requireNonNull(e.getValue(), "resourceAttributes." + e.getKey());
    }
    // Insertion order is kept so that the written document is stable.
    resourceAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(resourceAttributes));
  }

  /** Off; every other key from the environment or its default. */
  public static TracingConfig defaults() {
    return DEFAULTS;
  }
}
