package io.yatagarasu.operator.distribute;

import java.util.Objects;

/**
 * What a pod answered to {@code GET /admin/tls}: the certificate its data listener presents now, or
 * why it did not say.
 *
 * @param result how the request ended
 * @param serialNumber the served certificate's serial number in hex (null unless {@code REPORTED})
 * @param notAfter its expiry (RFC 3339; null unless {@code REPORTED})
 * @param problem why there is no certificate to report (null when {@code REPORTED})
 */
public record CertificateAnswer(
    Result result, String serialNumber, String notAfter, String problem) {
  /** How a certificate request ended. */
  public enum Result {
    /** The pod named the certificate it serves. */
    REPORTED,
    /** The pod's data listener has no TLS (its snapshot has no server.tls yet). */
    NO_TLS,
    /** The pod's proxy has no {@code /admin/tls} (a version from before it). */
    NOT_SUPPORTED,
    /** No answer, a refused token or a server error. */
    UNREACHABLE
  }

  public CertificateAnswer {
    Objects.requireNonNull(result, "result");
    if (result == Result.REPORTED) {
      Objects.requireNonNull(serialNumber, "serialNumber");
    }
  }

  static CertificateAnswer reported(String serialNumber, String notAfter) {
    return new CertificateAnswer(Result.REPORTED, serialNumber, notAfter, null);
  }

  static CertificateAnswer failed(Result result, String problem) {
    return new CertificateAnswer(result, null, null, problem);
  }
}
