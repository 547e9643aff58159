package io.yatagarasu.config;

/** How spans are sent to the collector; written as in {@code OTEL_EXPORTER_OTLP_PROTOCOL}. */
public enum TracingProtocol implements Rules.Spelled {
  /** OTLP over HTTP with protobuf bodies (port 4318 of an OpenTelemetry Collector). */
  HTTP_PROTOBUF("http/protobuf");

  private final String spelling;

  TracingProtocol(String spelling) {
    this.spelling = spelling;
  }

  @Override
  public String spelling() {
    return spelling;
  }
}
