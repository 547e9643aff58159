package io.yatagarasu.operator.render;

import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a data listener's TLS Secret the way the proxy will load it (a PEM certificate chain and a
 * PKCS#8 PEM key that belongs to its first certificate) before any pod sees it. Pure: the Secret
 * in, a verified pair or the problem out; the problem names the Secret and never holds key
 * material.
 */
public final class TlsSecretCheck {
  public static final String TLS_TYPE = "kubernetes.io/tls";
  public static final String CERT_KEY = "tls.crt";
  public static final String KEY_KEY = "tls.key";

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  /** A certificate and key that load together; serial in hex, as openssl prints it. */
  public record Pair(String certificatePem, String keyPem, String serialNumber, Instant notAfter) {}

  /** Exactly one of {@code pair} and {@code problem} is set. */
  public record Outcome(Pair pair, String problem) {
    public boolean valid() {
      return pair != null;
    }
  }

  private TlsSecretCheck() {}

  /** Checks {@code secret} (null when it does not exist), named {@code name} in messages. */
  public static Outcome check(String name, Secret secret) {
    String subject = "TLS Secret " + name;
    if (secret == null) {
      return problem(subject + " does not exist");
    }
    if (!TLS_TYPE.equals(secret.getType())) {
      return problem(
          subject
              + " has type "
              + (secret.getType() == null ? "Opaque" : secret.getType())
              + "; it must be "
              + TLS_TYPE);
    }
    String certificate = text(secret, CERT_KEY);
    String key = text(secret, KEY_KEY);
    if (certificate == null || key == null) {
      return problem(
          subject + " lacks key " + (certificate == null ? CERT_KEY : KEY_KEY) + " or it is empty");
    }
    List<X509Certificate> chain;
    try {
      chain = certificates(certificate);
    } catch (GeneralSecurityException | RuntimeException e) {
      return problem(subject + ": " + CERT_KEY + " is not a PEM certificate chain");
    }
    if (chain.isEmpty()) {
      return problem(subject + ": " + CERT_KEY + " holds no PEM certificate");
    }
    X509Certificate leaf = chain.get(0);
    PrivateKey privateKey;
    try {
      privateKey = privateKey(key, leaf.getPublicKey().getAlgorithm());
    } catch (UnsupportedKeyFormat e) {
      return problem(subject + ": " + KEY_KEY + " " + e.getMessage());
    } catch (GeneralSecurityException | RuntimeException e) {
      return problem(subject + ": " + KEY_KEY + " is not a PEM private key");
    }
    if (!belongsTo(privateKey, leaf.getPublicKey())) {
      return problem(
          subject
              + ": "
              + KEY_KEY
              + " does not belong to the certificate in "
              + CERT_KEY
              + " (serial "
              + leaf.getSerialNumber().toString(16)
              + ")");
    }
    return new Outcome(
        new Pair(
            certificate, key, leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant()),
        null);
  }

  private static Outcome problem(String message) {
    return new Outcome(null, message);
  }

  private static String text(Secret secret, String key) {
    String data = secret.getData() == null ? null : secret.getData().get(key);
    if (data == null || data.isEmpty()) {
      String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
      return plain == null || plain.isBlank() ? null : plain;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII);
      return decoded.isBlank() ? null : decoded;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> chain = new ArrayList<>();
    Matcher block = PEM.matcher(pem);
    while (block.find()) {
      if (!block.group(1).equals("CERTIFICATE")) {
        continue;
      }
      byte[] der = Base64.getMimeDecoder().decode(block.group(2));
      chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
    }
    return chain;
  }

  private static final class UnsupportedKeyFormat extends GeneralSecurityException {
    UnsupportedKeyFormat(String message) {
      super(message);
    }
  }

  private static PrivateKey privateKey(String pem, String algorithm)
      throws GeneralSecurityException {
    Matcher block = PEM.matcher(pem);
    while (block.find()) {
      String type = block.group(1);
      if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
        throw new UnsupportedKeyFormat(
            "is a "
                + (type.startsWith("RSA") ? "PKCS#1" : "SEC1")
                + " key; the proxy reads PKCS#8 (BEGIN PRIVATE KEY): with cert-manager set"
                + " privateKey.encoding: PKCS8 on the Certificate");
      }
      if (type.equals("PRIVATE KEY")) {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      }
    }
    throw new GeneralSecurityException("no private key block");
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (publicKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
