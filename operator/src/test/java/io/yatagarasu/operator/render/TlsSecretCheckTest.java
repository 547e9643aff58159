package io.yatagarasu.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A TLS Secret is checked as the proxy will load it, and every problem names the Secret. */
class TlsSecretCheckTest {
  static X509Bundle first;
  static X509Bundle second;
  static X509Bundle rsa;

  @BeforeAll
  static void certificates() throws Exception {
    first =
        new CertificateBuilder()
            .subject("CN=first")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    second =
        new CertificateBuilder()
            .subject("CN=second")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    rsa =
        new CertificateBuilder()
            .subject("CN=rsa")
            .setIsCertificateAuthority(true)
            .rsa2048()
            .buildSelfSigned();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static Secret secret(String type, String certificate, String key) {
    SecretBuilder builder =
        new SecretBuilder().withNewMetadata().withName("edge-tls").endMetadata().withType(type);
    if (certificate != null) {
      builder.addToData("tls.crt", b64(certificate));
    }
    if (key != null) {
      builder.addToData("tls.key", b64(key));
    }
    return builder.build();
  }

  @Test
  void aMatchingPairIsValidWithItsSerialAndExpiry() throws Exception {
    for (X509Bundle bundle : new X509Bundle[] {first, rsa}) {
      var outcome =
          TlsSecretCheck.check(
              "edge-tls",
              secret("kubernetes.io/tls", bundle.getCertificatePEM(), bundle.getPrivateKeyPEM()));
      assertThat(outcome.problem()).isNull();
      assertThat(outcome.pair().serialNumber())
          .isEqualTo(bundle.getCertificate().getSerialNumber().toString(16));
      assertThat(outcome.pair().notAfter())
          .isEqualTo(bundle.getCertificate().getNotAfter().toInstant());
    }
  }

  @Test
  void aMissingSecretIsNamed() {
    assertThat(TlsSecretCheck.check("edge-tls", null).problem())
        .isEqualTo("TLS Secret edge-tls does not exist");
  }

  @Test
  void aSecretOfAnotherTypeIsRefused() throws Exception {
    assertThat(
            TlsSecretCheck.check(
                    "edge-tls",
                    secret("Opaque", first.getCertificatePEM(), first.getPrivateKeyPEM()))
                .problem())
        .isEqualTo("TLS Secret edge-tls has type Opaque; it must be kubernetes.io/tls");
  }

  @Test
  void aMissingKeyIsNamed() throws Exception {
    assertThat(
            TlsSecretCheck.check(
                    "edge-tls", secret("kubernetes.io/tls", first.getCertificatePEM(), null))
                .problem())
        .isEqualTo("TLS Secret edge-tls lacks key tls.key or it is empty");
  }

  @Test
  void anUnparsableCertificateIsNamed() throws Exception {
    String broken =
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    assertThat(
            TlsSecretCheck.check(
                    "edge-tls", secret("kubernetes.io/tls", broken, first.getPrivateKeyPEM()))
                .problem())
        .isEqualTo("TLS Secret edge-tls: tls.crt is not a PEM certificate chain");
    assertThat(
            TlsSecretCheck.check(
                    "edge-tls", secret("kubernetes.io/tls", "garbage", first.getPrivateKeyPEM()))
                .problem())
        .isEqualTo("TLS Secret edge-tls: tls.crt holds no PEM certificate");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedWithoutShowingIt() throws Exception {
    var outcome =
        TlsSecretCheck.check(
            "edge-tls",
            secret("kubernetes.io/tls", first.getCertificatePEM(), second.getPrivateKeyPEM()));
    assertThat(outcome.problem())
        .startsWith("TLS Secret edge-tls: tls.key does not belong to the certificate in tls.crt")
        .doesNotContain("PRIVATE KEY");
  }

  @Test
  void aPkcs1KeyGetsTheCertManagerSetting() throws Exception {
    String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    assertThat(
            TlsSecretCheck.check(
                    "edge-tls", secret("kubernetes.io/tls", rsa.getCertificatePEM(), pkcs1))
                .problem())
        .contains("tls.key is a PKCS#1 key", "privateKey.encoding: PKCS8");
  }
}
