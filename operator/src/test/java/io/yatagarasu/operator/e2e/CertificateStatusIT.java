package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfigStatus;
import io.yatagarasu.operator.crd.TlsSettings;
import io.yatagarasu.operator.render.Labels;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet's status says which certificate each real proxy pod serves: after the TLS Secret is
 * replaced, {@code CertificateCurrent} names the pods whose mounted files the kubelet has not
 * refreshed yet, and turns True once every pod serves the new certificate.
 */
@EnableKubernetesMockClient(crud = true)
class CertificateStatusIT {
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos");

  private Kubelet kubelet;

  private static X509Bundle certificate(String name) throws Exception {
    return new CertificateBuilder()
        .subject("CN=" + name)
        .addSanIpAddress("127.0.0.41")
        .addSanIpAddress("127.0.0.42")
        .setIsCertificateAuthority(true)
        .ecp256()
        .buildSelfSigned();
  }

  /** A kubernetes.io/tls Secret labelled for the operator's Secret cache. */
  private static Secret tlsSecret(String ns, X509Bundle bundle) throws Exception {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName("edge-tls")
        .addToLabels(Labels.CREDENTIALS, "true")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .addToData("tls.crt", OperatorHarness.base64(bundle.getCertificatePEM()))
        .addToData("tls.key", OperatorHarness.base64(bundle.getPrivateKeyPEM()))
        .build();
  }

  private static String hex(X509Bundle bundle) {
    return bundle.getCertificate().getSerialNumber().toString(16);
  }

  /** The serial (hex) of the certificate a pod's data listener presents in a handshake. */
  private String handshakeSerial(String pod) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    // Only the presented certificate is read here; trust is not the question.
    ssl.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    var address = kubelet.proxy(pod).dataAddress();
    try (SSLSocket socket =
        (SSLSocket)
            ssl.getSocketFactory().createSocket(address.getHostString(), address.getPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSerialNumber()
          .toString(16);
    }
  }

  private static S3ProxyConfigStatus.TlsStatus tls(String ns) {
    var fleet = pods.harness().fleet(ns, "edge");
    return fleet.getStatus() == null ? null : fleet.getStatus().getTls();
  }

  /** "pod serial current|old" for each ready pod on status. */
  private static List<String> pods(String ns) {
    var tls = tls(ns);
    return tls == null || tls.getPods() == null
        ? List.of()
        : tls.getPods().stream()
            .map(
                p ->
                    p.getName()
                        + " "
                        + p.getSerialNumber()
                        + " "
                        + (p.isCurrent() ? "current" : "old"))
            .toList();
  }

  private static Condition certificateCurrent(String ns) {
    return pods.harness().fleetCondition(ns, "edge", "CertificateCurrent");
  }

  @Test
  void statusNamesThePodsOnTheOldCertificateUntilEveryPodServesTheReplacement() throws Exception {
    X509Bundle first = certificate("first");
    X509Bundle second = certificate("second");
    String ns = pods.harness().newNamespace();
    pods.harness().create(tlsSecret(ns, first));
    pods.harness()
        .create(
            Fleets.credentials(
                ns, "store-creds", pods.store().accessKey(), pods.store().secretKey()));
    var fleet = Fleets.fleet(ns, "edge", 2);
    TlsSettings settings = new TlsSettings();
    settings.setSecretName("edge-tls");
    fleet.getSpec().getServer().setTls(settings);
    pods.harness().create(fleet);
    pods.harness()
        .create(
            Fleets.bucket(ns, "photos", "edge", "/photos", "store-creds", "photos", pods.store()));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                pods.harness().configSecret(ns, "edge") != null
                    && client.apps().deployments().inNamespace(ns).withName("edge").get() != null
                    && client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null
                    && client.secrets().inNamespace(ns).withName("edge-proxy-tls").get() != null);
    kubelet = pods.kubelet(ns, "edge");
    kubelet.start("edge-a", "127.0.0.41");
    kubelet.start("edge-b", "127.0.0.42");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pods.harness().fleetVerdict(ns, "edge", "CertificateCurrent"))
                  .isEqualTo("True AllPodsCurrent");
              assertThat(pods(ns))
                  .containsExactly(
                      "edge-a " + hex(first) + " current", "edge-b " + hex(first) + " current");
            });
    assertThat(certificateCurrent(ns).getMessage())
        .isEqualTo(
            "all 2 ready pods serve serial " + hex(first) + ", notAfter " + tls(ns).getNotAfter());
    assertThat(tls(ns).getCurrentPods()).isEqualTo(2);
    assertThat(tls(ns).getPods().get(0).getNotAfter())
        .isEqualTo(first.getCertificate().getNotAfter().toInstant().toString());

    // The Secret is replaced; the kubelet has refreshed no pod's files yet.
    client.resource(tlsSecret(ns, second)).update();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(tls(ns).getSerialNumber()).isEqualTo(hex(second));
              assertThat(pods.harness().fleetVerdict(ns, "edge", "CertificateCurrent"))
                  .isEqualTo("False PodsOnOldCertificate");
              assertThat(pods(ns))
                  .containsExactly(
                      "edge-a " + hex(first) + " old", "edge-b " + hex(first) + " old");
            });
    assertThat(certificateCurrent(ns).getMessage())
        .startsWith("0 of 2 ready pods serve serial " + hex(second))
        .contains(
            "still on another certificate: edge-a (serial " + hex(first),
            "edge-b (serial " + hex(first));
    assertThat(tls(ns).getCurrentPods()).isZero();

    // The kubelet's sync reaches edge-a first.
    kubelet.syncSecretVolume("edge-a");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pods(ns))
                  .containsExactly(
                      "edge-a " + hex(second) + " current", "edge-b " + hex(first) + " old");
              assertThat(certificateCurrent(ns).getStatus()).isEqualTo("False");
              assertThat(certificateCurrent(ns).getMessage())
                  .startsWith("1 of 2 ready pods serve serial " + hex(second))
                  .contains("still on another certificate: edge-b (serial " + hex(first))
                  .doesNotContain("edge-a");
            });
    // What status says is what the listeners present.
    assertThat(handshakeSerial("edge-a")).isEqualTo(hex(second));
    assertThat(handshakeSerial("edge-b")).isEqualTo(hex(first));

    kubelet.syncSecretVolume("edge-b");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pods.harness().fleetVerdict(ns, "edge", "CertificateCurrent"))
                  .isEqualTo("True AllPodsCurrent");
              assertThat(pods(ns))
                  .containsExactly(
                      "edge-a " + hex(second) + " current", "edge-b " + hex(second) + " current");
            });
    assertThat(tls(ns).getCurrentPods()).isEqualTo(2);
    assertThat(handshakeSerial("edge-b")).isEqualTo(hex(second));
  }
}
