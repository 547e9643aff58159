package io.yatagarasu.operator.runtime;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;

/**
 * The encoder of the operator's log, named in {@code logback.xml}: its {@code text} encoder (a
 * pattern, the default, for local runs) or its {@code json} encoder (one JSON object a line), as
 * {@code format} says ({@code YATAGARASU_LOG_FORMAT}, which the chart's {@code logFormat} sets).
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  /** The variable that picks the format. */
  public static final String ENVIRONMENT = "YATAGARASU_LOG_FORMAT";

  private Encoder<ILoggingEvent> text;
  private Encoder<ILoggingEvent> json;
  private boolean useJson;

  /**
   * A problem with the variable's value, or null when it is empty, {@code text} or {@code json}.
   */
  public static String problem(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String format = value.trim().toLowerCase(Locale.ROOT);
    return format.equals("text") || format.equals("json")
        ? null
        : ENVIRONMENT + ": \"" + value + "\" (expected: text or json)";
  }

  public void setFormat(String format) {
    this.useJson = format != null && format.trim().equalsIgnoreCase("json");
  }

  public void setText(Encoder<ILoggingEvent> text) {
    this.text = text;
  }

  public void setJson(Encoder<ILoggingEvent> json) {
    this.json = json;
  }

  @Override
  public void start() {
    if (text == null || json == null) {
      addError("LogEncoder needs both a <text> and a <json> encoder");
      return;
    }
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (useJson ? json : text).encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
