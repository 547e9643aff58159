package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.yatagarasu.config.TlsConfig;
import io.yatagarasu.config.TlsProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {
  @TempDir Path dir;

  private static X509Bundle bundle(String name) throws Exception {
    return new CertificateBuilder()
        .subject("CN=" + name + ",O=Yatagarasu")
        .addSanDnsName("localhost")
        .setIsCertificateAuthority(true)
        .ecp256()
        .buildSelfSigned();
  }

  private TlsConfig write(X509Bundle bundle, String certificatePem) throws Exception {
    Path certificate = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    Path staged = dir.resolve("staged");
    Files.writeString(staged, bundle.getPrivateKeyPEM());
    Files.move(staged, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(staged, certificatePem);
    Files.move(
        staged, certificate, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new TlsConfig(certificate.toString(), key.toString(), true);
  }

  /** A fresh certificate and key on disk, served with {@code provider}. */
  private TlsConfig settings(TlsProvider provider) throws Exception {
    X509Bundle bundle = bundle("localhost");
    TlsConfig written = write(bundle, bundle.getCertificatePEM());
    return new TlsConfig(written.certificateFile(), written.privateKeyFile(), true, provider);
  }

  private static String openSslFingerprint(X509Bundle bundle) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(bundle.getCertificate().getEncoded());
    StringBuilder text = new StringBuilder();
    for (byte b : digest) {
      text.append(text.isEmpty() ? "" : ":").append(String.format("%02X", b));
    }
    return text.toString();
  }

  private static final class Recorder implements TlsContexts.Listener {
    final List<ServedCertificate> loaded = new ArrayList<>();
    final AtomicInteger failed = new AtomicInteger();

    @Override
    public void loaded(ServedCertificate certificate) {
      loaded.add(certificate);
    }

    @Override
    public void failed() {
      failed.incrementAndGet();
    }
  }

  @Test
  void reportsTheLoadedLeafCertificateWithoutAnythingOfTheKey() throws Exception {
    X509Bundle first = bundle("first");
    Instant at = Instant.parse("2026-11-30T12:00:00Z");
    Recorder recorder = new Recorder();
    TlsContexts contexts =
        new TlsContexts(
            write(first, first.getCertificatePEM()), recorder, Clock.fixed(at, ZoneOffset.UTC));

    ServedCertificate served = contexts.served();
    assertThat(served.serialNumber())
        .isEqualTo(first.getCertificate().getSerialNumber().toString(16));
    assertThat(served.subject()).isEqualTo("CN=first,O=Yatagarasu");
    assertThat(served.issuer()).isEqualTo("CN=first,O=Yatagarasu");
    assertThat(served.notAfter())
        .isEqualTo(
            first.getCertificate().getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS));
    assertThat(served.notBefore())
        .isEqualTo(
            first.getCertificate().getNotBefore().toInstant().truncatedTo(ChronoUnit.SECONDS));
    assertThat(served.sha256()).isEqualTo(openSslFingerprint(first)).hasSize(95);
    assertThat(served.loadedAt()).isEqualTo(at);
    assertThat(recorder.loaded).containsExactly(served);
    String key =
        HexFormat.of().formatHex(first.getKeyPair().getPrivate().getEncoded()).toUpperCase();
    assertThat(served.toString()).doesNotContain("PRIVATE").doesNotContain(key.substring(0, 32));
  }

  @Test
  void reportsTheNewCertificateAfterTheFilesAreSwappedAndNothingNewForUnchangedFiles()
      throws Exception {
    X509Bundle first = bundle("first");
    X509Bundle second = bundle("second");
    Recorder recorder = new Recorder();
    Instant[] now = {Instant.parse("2026-11-30T12:00:00Z")};
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    TlsConfig settings = write(first, first.getCertificatePEM());
    TlsContexts contexts = new TlsContexts(settings, recorder, clock);
    assertThat(contexts.refresh(settings)).isTrue();
    assertThat(recorder.loaded).as("unchanged files are not loaded again").hasSize(1);

    now[0] = Instant.parse("2026-11-30T12:05:00Z");
    write(second, second.getCertificatePEM());
    assertThat(contexts.refresh(settings)).isTrue();

    assertThat(contexts.served().serialNumber())
        .isEqualTo(second.getCertificate().getSerialNumber().toString(16))
        .isNotEqualTo(first.getCertificate().getSerialNumber().toString(16));
    assertThat(contexts.served().sha256()).isEqualTo(openSslFingerprint(second));
    assertThat(contexts.served().loadedAt()).isEqualTo(now[0]);
    assertThat(recorder.loaded).hasSize(2).last().isEqualTo(contexts.served());
  }

  @Test
  void keepsReportingTheServedCertificateWhenChangedFilesCannotBeLoaded() throws Exception {
    X509Bundle first = bundle("first");
    Recorder recorder = new Recorder();
    TlsConfig settings = write(first, first.getCertificatePEM());
    TlsContexts contexts = new TlsContexts(settings, recorder, Clock.systemUTC());
    ServedCertificate before = contexts.served();

    Path certificate = Path.of(settings.certificateFile());
    Files.writeString(certificate, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n");
    assertThat(contexts.refresh(settings)).isFalse();
    assertThat(contexts.served()).isSameAs(before);
    assertThat(recorder.failed).hasValue(1);

    // Garbage instead of a certificate.
    Files.writeString(certificate, "not a certificate, longer than before: " + "x".repeat(900));
    assertThat(contexts.refresh(settings)).isFalse();
    assertThat(contexts.served()).isSameAs(before);
    assertThat(recorder.failed).hasValue(2);
    assertThat(recorder.loaded).containsExactly(before);
  }

  @Test
  void theNativeLibraryLoadsOnLinux() {
    assertThat(OpenSsl.isAvailable()).as("%s", OpenSsl.unavailabilityCause()).isTrue();
  }

  @Test
  void autoTakesOpenSslWhereItLoads() throws Exception {
    assertThat(TlsContexts.provider(TlsProvider.AUTO)).isEqualTo(SslProvider.OPENSSL);
    TlsContexts contexts = new TlsContexts(settings(TlsProvider.AUTO));
    assertThat(contexts.providerName()).isEqualTo("openssl");
    assertThat(contexts.current().isServer()).isTrue();
    assertThat(contexts.current().applicationProtocolNegotiator().protocols())
        .containsExactly("h2", "http/1.1");
  }

  @Test
  void jdkIsTakenWhenAsked() throws Exception {
    TlsContexts contexts = new TlsContexts(settings(TlsProvider.JDK));
    assertThat(contexts.providerName()).isEqualTo("jdk");
    assertThat(contexts.current().getClass().getSimpleName()).startsWith("Jdk");
  }

  @Test
  void aNewProviderInTheConfigurationAppliesToNewConnections() throws Exception {
    TlsContexts contexts = new TlsContexts(settings(TlsProvider.JDK));
    assertThat(contexts.refresh(settings(TlsProvider.OPENSSL))).isTrue();
    assertThat(contexts.providerName()).isEqualTo("openssl");
    assertThat(contexts.current().getClass().getSimpleName()).contains("OpenSsl");
  }

  @Test
  void aConfigurationTheMachineCanServeHasNoProblem() throws Exception {
    assertThat(TlsContexts.problem(null)).isNull();
    assertThat(TlsContexts.problem(settings(TlsProvider.OPENSSL))).isNull();
    assertThat(TlsContexts.problem(settings(TlsProvider.JDK))).isNull();
  }
}
