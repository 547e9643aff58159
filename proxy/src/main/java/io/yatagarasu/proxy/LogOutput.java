package io.yatagarasu.proxy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import io.yatagarasu.config.LogFormat;
import java.util.Locale;

/**
 * The encoder of the proxy's application log, named in {@code logback.xml}: it writes each event
 * with its {@code text} encoder (a pattern, for local runs) or its {@code json} encoder (one JSON
 * object a line, for a log pipeline). The configuration's {@code logging.format} picks one when a
 * snapshot is applied, so one setting governs the access log and the application log; lines written
 * before the first configuration is read follow {@code YATAGARASU_LOG_FORMAT} (text when unset).
 */
public final class LogOutput extends EncoderBase<ILoggingEvent> {
  /** The variable read for the lines written before the configuration is. */
  public static final String ENVIRONMENT = "YATAGARASU_LOG_FORMAT";

  private static volatile LogFormat format = parse(System.getenv(ENVIRONMENT));

  private Encoder<ILoggingEvent> text;
  private Encoder<ILoggingEvent> json;

  /** Lines are written in {@code next} from now on, by every appender using this encoder. */
  public static void use(LogFormat next) {
    if (next != null) {
      format = next;
    }
  }

  /** The format lines are written in now. */
  public static LogFormat current() {
    return format;
  }

  static LogFormat parse(String value) {
    if (value == null || value.isBlank()) {
      return LogFormat.TEXT;
    }
    return "json".equals(value.trim().toLowerCase(Locale.ROOT)) ? LogFormat.JSON : LogFormat.TEXT;
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
      addError("LogOutput needs both a <text> and a <json> encoder");
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
    return (format == LogFormat.JSON ? json : text).encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
