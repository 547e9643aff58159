package io.yatagarasu.proxy.s3;

import io.yatagarasu.proxy.ProxyError;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the error code out of an S3 XML error body and maps an upstream failure to the error the
 * client sees. The body is scanned, not parsed as XML: it is small, bounded, and never trusted.
 */
public final class S3ErrorCodes {
  private static final Pattern CODE = Pattern.compile("<Code>([A-Za-z0-9.]{1,64})</Code>");
  private static final Pattern SIZE =
      Pattern.compile("<ActualObjectSize>(\\d{1,19})</ActualObjectSize>");

  private S3ErrorCodes() {}

  /** The {@code <Code>} of an S3 error document, or {@code null}. */
  public static String code(CharSequence body) {
    Matcher m = CODE.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  /** The object size S3 reports with InvalidRange, when it does. */
  public static OptionalLong actualObjectSize(CharSequence body) {
    Matcher m = SIZE.matcher(body);
    if (m.find()) {
      try {
        return OptionalLong.of(Long.parseLong(m.group(1)));
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }

  /** True when S3 rejected the proxy's own signature, key or token: a configuration problem. */
  public static boolean isCredentialProblem(String code) {
    return code != null
        && switch (code) {
          case "SignatureDoesNotMatch",
              "InvalidAccessKeyId",
              "ExpiredToken",
              "InvalidToken",
              "TokenRefreshRequired",
              "AuthorizationHeaderMalformed",
              "RequestTimeTooSkewed",
              "InvalidSecurity" ->
              true;
          default -> false;
        };
  }

  /**
   * Maps an upstream error status and code (null when the body had none, as for HEAD) to the
   * client's error.
   */
  public static ProxyError map(int status, String code) {
    if (code != null) {
      switch (code) {
        case "NoSuchKey":
        case "NoSuchVersion":
          return ProxyError.NO_SUCH_KEY;
        case "NoSuchBucket":
          return ProxyError.NO_SUCH_BUCKET;
        case "AccessDenied":
        case "AllAccessDisabled":
          return ProxyError.ACCESS_DENIED;
        case "InvalidRange":
          return ProxyError.INVALID_RANGE;
        case "PreconditionFailed":
          return ProxyError.PRECONDITION_FAILED;
        case "SlowDown":
        case "ServiceUnavailable":
        case "RequestLimitExceeded":
          return ProxyError.UPSTREAM_UNAVAILABLE;
        default:
          if (isCredentialProblem(code)) {
            return ProxyError.ACCESS_DENIED;
          }
      }
    }
    if (status == 404) {
      return ProxyError.NO_SUCH_KEY;
    } else if (status == 403) {
      return ProxyError.ACCESS_DENIED;
    } else if (status == 412) {
      return ProxyError.PRECONDITION_FAILED;
    } else if (status == 416) {
      return ProxyError.INVALID_RANGE;
    } else if (status == 503) {
      return ProxyError.UPSTREAM_UNAVAILABLE;
    } else if (status == 400) {
      return ProxyError.INVALID_ARGUMENT;
    }
    return ProxyError.UPSTREAM_ERROR;
  }
}
