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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {
  @TempDir Path dir;
  private Path certificate;
  private Path key;

  @BeforeEach
  void writeCertificate() throws Exception {
    X509Bundle bundle =
        new CertificateBuilder()
            .subject("CN=localhost")
            .setIsCertificateAuthority(true)
            .ecp256()
            .buildSelfSigned();
    certificate = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    Files.writeString(certificate, bundle.getCertificatePEM());
    Files.writeString(key, bundle.getPrivateKeyPEM());
  }

  private TlsConfig settings(TlsProvider provider) {
    return new TlsConfig(certificate.toString(), key.toString(), true, provider);
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
  void aConfigurationTheMachineCanServeHasNoProblem() {
    assertThat(TlsContexts.problem(null)).isNull();
    assertThat(TlsContexts.problem(settings(TlsProvider.OPENSSL))).isNull();
    assertThat(TlsContexts.problem(settings(TlsProvider.JDK))).isNull();
  }
}
