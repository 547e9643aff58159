package io.yatagarasu.proxy.pipeline;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The leaf certificate the data listener presents, as the admin API and the metrics report it:
 * public facts only (the private key never leaves {@link TlsContexts}).
 *
 * @param serialNumber the serial number in lower-case hex without leading zeros, as the operator
 *     writes it on the fleet's status
 * @param subject the subject's distinguished name (RFC 2253)
 * @param issuer the issuer's distinguished name (RFC 2253)
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param sha256 SHA-256 of the DER encoding, upper-case hex pairs joined by colons (as {@code
 *     openssl x509 -fingerprint -sha256} prints it)
 * @param loadedAt when the data listener started presenting it
 */
public record ServedCertificate(
    String serialNumber,
    String subject,
    String issuer,
    Instant notBefore,
    Instant notAfter,
    String sha256,
    Instant loadedAt) {
  public ServedCertificate {
    requireNonNull(serialNumber, "serialNumber");
    requireNonNull(subject, "subject");
    requireNonNull(issuer, "issuer");
    requireNonNull(notBefore, "notBefore");
    requireNonNull(notAfter, "notAfter");
    requireNonNull(sha256, "sha256");
    requireNonNull(loadedAt, "loadedAt");
  }

  /** The facts of {@code leaf}, loaded at {@code loadedAt}. */
  public static ServedCertificate of(X509Certificate leaf, Instant loadedAt) {
    requireNonNull(leaf, "leaf");
    return new ServedCertificate(
        leaf.getSerialNumber().toString(16),
        leaf.getSubjectX500Principal().getName(),
        leaf.getIssuerX500Principal().getName(),
        leaf.getNotBefore().toInstant(),
        leaf.getNotAfter().toInstant(),
        fingerprint(leaf),
        loadedAt);
  }

  private static String fingerprint(X509Certificate leaf) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("SHA-256 of a parsed certificate", e);
    }
  }
}
