package io.yatagarasu.config;

import java.util.Objects;

/** Logging settings: the access log line format and whether the access log is written at all. */
public record LoggingConfig(LogFormat format, boolean accessLog) {
  private static final LoggingConfig DEFAULTS = new LoggingConfig(LogFormat.JSON, true);

  public LoggingConfig {
    Objects.requireNonNull(format, "format");
  }

  /** JSON access log lines, access log on. */
  public static LoggingConfig defaults() {
    return DEFAULTS;
  }
}
