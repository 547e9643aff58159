package io.yatagarasu.proxy.tracing;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.yatagarasu.config.TracingConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK of one tracing configuration: a tracer whose spans a batch processor sends
 * by OTLP/HTTP from its own thread. {@link #OFF} holds no SDK object at all; a snapshot keeps the
 * tracer of its predecessor when the tracing settings did not change and shuts a replaced one down
 * once its last request has ended.
 */
public final class ProxyTracer {
  /** The instrumentation scope of every span. */
  public static final String SCOPE = "io.yatagarasu.proxy";

  /** Where spans go when neither the document nor the environment says. */
  public static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:4318/v1/traces");

  /** The service name when neither the document nor OTEL_SERVICE_NAME gives one. */
  public static final String DEFAULT_SERVICE_NAME = "yatagarasu";

  /** Tracing off: no SDK, no exporter, no thread. */
  public static final ProxyTracer OFF = new ProxyTracer(TracingConfig.defaults(), null, null, null);

  private static final Logger LOG = LoggerFactory.getLogger(ProxyTracer.class);

  private final TracingConfig config;
  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final URI endpoint;

  private ProxyTracer(
      TracingConfig config, SdkTracerProvider provider, Tracer tracer, URI endpoint) {
    this.config = config;
    this.provider = provider;
    this.tracer = tracer;
    this.endpoint = endpoint;
  }

  /**
   * The tracer for {@code config}, reading the {@code OTEL_*} variables of {@code env} for what the
   * document leaves out. {@link #OFF} when tracing is not enabled or {@code OTEL_SDK_DISABLED} is
   * {@code true}.
   */
  public static ProxyTracer build(TracingConfig config, Map<String, String> env) {
    requireNonNull(config, "config");
    requireNonNull(env, "env");
    if (!config.enabled() || "true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
      return config.enabled() ? new ProxyTracer(config, null, null, null) : OFF;
    }
    URI endpoint = endpoint(config, env);
    OtlpHttpSpanExporterBuilder exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint.toString())
            .setTimeout(Duration.ofSeconds(10));
    // Headers (a collector's API key) come only from the environment, never from the document.
    headers(env.get("OTEL_EXPORTER_OTLP_HEADERS")).forEach(exporter::addHeader);
    headers(env.get("OTEL_EXPORTER_OTLP_TRACES_HEADERS")).forEach(exporter::addHeader);
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(exporter.build())
            .setScheduleDelay(millis(env, "OTEL_BSP_SCHEDULE_DELAY", 5000), TimeUnit.MILLISECONDS)
            .setMaxQueueSize((int) millis(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048))
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource(config, env))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.samplingRatio())))
            .addSpanProcessor(processor)
            .build();
    LOG.info(
        "tracing on endpoint={} samplingRatio={} serviceName={}",
        endpoint,
        config.samplingRatio(),
        serviceName(config, env));
    return new ProxyTracer(config, provider, provider.get(SCOPE), endpoint);
  }

  /** True when requests get spans. */
  public boolean on() {
    return tracer != null;
  }

  /** The tracer; null when off. */
  public Tracer tracer() {
    return tracer;
  }

  /** The settings this tracer was built from. */
  public TracingConfig config() {
    return config;
  }

  /** The OTLP/HTTP URL spans are sent to; null when off. */
  public URI endpoint() {
    return endpoint;
  }

  /** Sends the spans that have ended without waiting for the batch delay. */
  public CompletableResultCode flush() {
    return provider == null ? CompletableResultCode.ofSuccess() : provider.forceFlush();
  }

  /**
   * Sends what is queued and stops the exporter's thread. Does not wait: it may be called from an
   * event loop when a retired snapshot's last request ends.
   */
  public void shutdown() {
    if (provider != null) {
      provider.shutdown();
    }
  }

  static URI endpoint(TracingConfig config, Map<String, String> env) {
    if (config.endpoint() != null) {
      return config.endpoint();
    }
    String traces = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (traces != null && !traces.isBlank()) {
      return URI.create(traces.trim());
    }
    String base = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (base != null && !base.isBlank()) {
      String trimmed = base.trim();
      return URI.create((trimmed.endsWith("/") ? trimmed : trimmed + "/") + "v1/traces");
    }
    return DEFAULT_ENDPOINT;
  }

  static String serviceName(TracingConfig config, Map<String, String> env) {
    if (config.serviceName() != null) {
      return config.serviceName();
    }
    String name = env.get("OTEL_SERVICE_NAME");
    return name == null || name.isBlank() ? DEFAULT_SERVICE_NAME : name.trim();
  }

  static Resource resource(TracingConfig config, Map<String, String> env) {
    Map<String, String> attributes =
        new LinkedHashMap<>(pairs(env.get("OTEL_RESOURCE_ATTRIBUTES")));
    attributes.putAll(config.resourceAttributes());
    AttributesBuilder b = Attributes.builder();
    attributes.forEach((k, v) -> b.put(AttributeKey.stringKey(k), v));
    b.put(AttributeKey.stringKey("service.name"), serviceName(config, env));
    return Resource.getDefault().merge(Resource.create(b.build()));
  }

  private static Map<String, String> headers(String text) {
    return pairs(text);
  }

  /** {@code k=v,k2=v2} with percent-encoded values, as the OTEL_* variables take them. */
  static Map<String, String> pairs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String item : text.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = item.substring(0, eq).trim();
      String value = URLDecoder.decode(item.substring(eq + 1).trim(), StandardCharsets.UTF_8);
      if (!key.isEmpty()) {
        out.put(key, value);
      }
    }
    return out;
  }

  private static long millis(Map<String, String> env, String name, long fallback) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.trim());
      return value > 0 ? value : fallback;
    } catch (NumberFormatException e) {
      LOG.warn("ignoring {}={} (expected: a positive integer)", name, text);
      return fallback;
    }
  }
}
