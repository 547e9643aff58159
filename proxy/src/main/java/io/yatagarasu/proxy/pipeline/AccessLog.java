package io.yatagarasu.proxy.pipeline;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.yatagarasu.config.LogFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the {@code yatagarasu.access} logger, as JSON or as readable text. It
 * records the path without its query string and never a header value, token or signature.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("yatagarasu.access");

  private static final DateTimeFormatter TEXT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  private AccessLog() {}

  /**
   * What one request did. {@code upstreamStatus} is 0 and the times -1 when S3 was not asked.
   * {@code client} is the address the bucket's address rules and per-client limit used (null when
   * the request never reached them or it is unknown); {@code peer} is the connection's peer.
   */
  public record Entry(
      String requestId,
      String client,
      String peer,
      String method,
      String path,
      String bucket,
      int status,
      long bytesSent,
      long durationMicros,
      int upstreamStatus,
      long upstreamMicros,
      String error,
      String subject,
      String issuer,
      String traceId,
      String spanId) {
    /** A line of a request without a span (tracing off). */
    public Entry(
        String requestId,
        String client,
        String peer,
        String method,
        String path,
        String bucket,
        int status,
        long bytesSent,
        long durationMicros,
        int upstreamStatus,
        long upstreamMicros,
        String error,
        String subject,
        String issuer) {
      this(
          requestId,
          client,
          peer,
          method,
          path,
          bucket,
          status,
          bytesSent,
          durationMicros,
          upstreamStatus,
          upstreamMicros,
          error,
          subject,
          issuer,
          null,
          null);
    }
  }

  public static boolean enabled() {
    return LOG.isInfoEnabled();
  }

  public static void log(LogFormat format, Entry e) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info(format == LogFormat.TEXT ? text(e) : json(e));
  }

  static String json(Entry e) {
    // Sized for a typical line, so it is written once and never regrown.
    StringBuilder b = new StringBuilder(512);
    b.append("{\"ts\":\"");
    DateTimeFormatter.ISO_INSTANT.formatTo(Instant.now(), b);
    b.append('"');
    field(b, "requestId", e.requestId());
    field(b, "client", e.client());
    field(b, "peer", e.peer());
    field(b, "method", e.method());
    field(b, "path", e.path());
    field(b, "bucket", e.bucket());
    b.append(",\"status\":").append(e.status());
    b.append(",\"bytes\":").append(e.bytesSent());
    millis(b.append(",\"durationMs\":"), e.durationMicros());
    if (e.upstreamStatus() > 0) {
      b.append(",\"upstreamStatus\":").append(e.upstreamStatus());
    }
    if (e.upstreamMicros() >= 0) {
      millis(b.append(",\"upstreamMs\":"), e.upstreamMicros());
    }
    if (e.error() != null) {
      field(b, "error", e.error());
    }
    if (e.subject() != null) {
      field(b, "sub", e.subject());
    }
    if (e.issuer() != null) {
      field(b, "issuer", e.issuer());
    }
    if (e.traceId() != null) {
      field(b, "trace_id", e.traceId());
      field(b, "span_id", e.spanId());
    }
    return b.append('}').toString();
  }

  static String text(Entry e) {
    return text(e, Instant.now());
  }

  /** A text line starts with when it was written, in ISO-8601 UTC with milliseconds. */
  static String text(Entry e, Instant at) {
    StringBuilder b = new StringBuilder(384);
    TEXT_TIME.formatTo(at, b);
    b.append(' ')
        .append(e.method())
        .append(' ')
        .append(e.path())
        .append(' ')
        .append(e.status())
        .append(' ')
        .append(e.bytesSent())
        .append("B ");
    millis(b, e.durationMicros())
        .append("ms bucket=")
        .append(e.bucket() == null ? "-" : e.bucket());
    if (e.upstreamStatus() > 0) {
      b.append(" upstream=").append(e.upstreamStatus());
    }
    if (e.upstreamMicros() >= 0) {
      millis(b.append(" upstreamMs="), e.upstreamMicros());
    }
    if (e.error() != null) {
      b.append(" error=").append(e.error());
    }
    if (e.subject() != null) {
      b.append(" sub=").append(e.subject()).append(" issuer=").append(e.issuer());
    }
    return b.append(" client=")
        .append(e.client() == null ? "-" : e.client())
        .append(" peer=")
        .append(e.peer())
        .append(" rid=")
        .append(e.requestId())
        .append(e.traceId() == null ? "" : " trace_id=" + e.traceId() + " span_id=" + e.spanId())
        .toString();
  }

  private static void field(StringBuilder b, String name, String value) {
    b.append(",\"").append(name).append("\":");
    if (value == null) {
      b.append("null");
    } else {
      b.append('"');
      JsonStringEncoder.getInstance().quoteAsString(value, b);
      b.append('"');
    }
  }

  /** Appends microseconds as milliseconds with three decimals ({@code -1} when unknown). */
  private static StringBuilder millis(StringBuilder b, long micros) {
    if (micros < 0) {
      return b.append("-1");
    }
    long frac = micros % 1000;
    return b.append(micros / 1000)
        .append('.')
        .append(frac < 10 ? "00" : frac < 100 ? "0" : "")
        .append(frac);
  }
}
