package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The proxy's access log. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LoggingSettings {
  /** The format of an access log line. */
  public enum Format {
    @JsonProperty("json")
    JSON,
    @JsonProperty("text")
    TEXT
  }

  @JsonPropertyDescription("Access log line format: json (default) or text.")
  private Format format;

  @JsonPropertyDescription("Whether one access log line is written per request (default true).")
  private Boolean accessLog;

  public Format getFormat() {
    return format;
  }

  public void setFormat(Format format) {
    this.format = format;
  }

  public Boolean getAccessLog() {
    return accessLog;
  }

  public void setAccessLog(Boolean accessLog) {
    this.accessLog = accessLog;
  }
}
