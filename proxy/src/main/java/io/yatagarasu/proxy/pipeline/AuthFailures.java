package io.yatagarasu.proxy.pipeline;

import io.yatagarasu.proxy.BucketRoute;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why requests are refused with 401 or 403: every refusal is counted ({@code
 * yatagarasu_auth_failures_total{bucket,reason}}) and logged on {@code yatagarasu.auth} with its
 * reason, at most {@link #LINES_PER_SECOND} lines a second per reason, so that a flood of bad
 * tokens cannot flood the log; the first line after a suppressed stretch says how many were left
 * out. A line names the bucket, the reason, the failed claim rule, the request id and the client
 * address; never the token or any header value.
 */
final class AuthFailures {
  /** Lines per reason and second; the rest are counted, not logged. */
  static final int LINES_PER_SECOND = 5;

  private static final Logger LOG = LoggerFactory.getLogger("yatagarasu.auth");
  private static final long SECOND = 1_000_000_000L;
  // Reasons are a small fixed set of words, so this map stays small.
  private static final ConcurrentMap<String, Window> WINDOWS = new ConcurrentHashMap<>();

  private AuthFailures() {}

  /** Counts a refusal and logs it unless this reason's lines for the second are used up. */
  static void record(
      BucketRoute route, String reason, String rule, String requestId, String client) {
    route.meters().authFailure(reason);
    if (!LOG.isInfoEnabled()) {
      return;
    }
    long suppressed = WINDOWS.computeIfAbsent(reason, r -> new Window()).admit(System.nanoTime());
    if (suppressed < 0) {
      return;
    }
    if (rule == null) {
      LOG.info(
          "request refused bucket={} reason={} requestId={} client={} suppressed={}",
          route.name(),
          reason,
          requestId,
          client,
          suppressed);
    } else {
      LOG.info(
          "request refused bucket={} reason={} rule={} requestId={} client={} suppressed={}",
          route.name(),
          reason,
          rule,
          requestId,
          client,
          suppressed);
    }
  }

  /** One reason's budget of lines in the current second. */
  static final class Window {
    private long start = Long.MIN_VALUE;
    private int lines;
    private long suppressed;

    /**
     * -1 when this line is to be left out; otherwise how many lines were left out since the last
     * one logged (then reset).
     */
    synchronized long admit(long now) {
      if (start == Long.MIN_VALUE || now - start >= SECOND) {
        start = now;
        lines = 0;
      }
      if (lines >= LINES_PER_SECOND) {
        suppressed++;
        return -1;
      }
      lines++;
      long left = suppressed;
      suppressed = 0;
      return left;
    }
  }
}
