package io.yatagarasu.operator.e2e;

import static io.yatagarasu.operator.OperatorHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.CorsSettings;
import io.yatagarasu.operator.crd.RateLimitSettings;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3Replica;
import io.yatagarasu.operator.crd.TlsSettings;
import io.yatagarasu.operator.crd.UpstreamSettings;
import io.yatagarasu.operator.render.Labels;
import io.yatagarasu.proxy.ProxyServer;
import io.yatagarasu.testkit.FreePorts;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Data-plane settings declared on an S3ProxyBucket reach every real proxy pod: a rate limit (and
 * raising it, without a restart), a CORS policy, failover to a replica, the idle time of
 * connections to S3, and HTTPS from a kubernetes.io/tls Secret whose replacement every pod picks
 * up.
 */
@EnableKubernetesMockClient(crud = true)
class ParityIT {
  static KubernetesClient client;

  @RegisterExtension
  static final PodsFixture pods = new PodsFixture(() -> client).withStore("photos");

  private Kubelet kubelet;
  private static final List<String> PODS = List.of("edge-a", "edge-b");

  /** A fleet of two running pods with one bucket, shaped by {@code shape}, served by both. */
  private String fleetWith(java.util.function.UnaryOperator<S3ProxyBucket> shape) throws Exception {
    return fleetWith(pods.harness().newNamespace(), f -> f, shape);
  }

  private String fleetWith(
      String ns,
      java.util.function.UnaryOperator<S3ProxyConfig> fleetShape,
      java.util.function.UnaryOperator<S3ProxyBucket> shape)
      throws Exception {
    kubelet = pods.photosFleet(ns, 2, fleetShape, shape);
    kubelet.start("edge-a", "127.0.0.2");
    kubelet.start("edge-b", "127.0.0.3");
    return ns;
  }

  private static RateLimitSettings limit(double perSecond, int burst) {
    RateLimitSettings limit = new RateLimitSettings();
    limit.setRequestsPerSecond(perSecond);
    limit.setBurst(burst);
    return limit;
  }

  @Test
  void bucketRateLimitAnswers429WithRateLimitHeadersOnEveryPodAndRaisingItNeedsNoRestart()
      throws Exception {
    String ns =
        fleetWith(
            b -> {
              // One token per 1000 s: after the burst, the next request is refused.
              b.getSpec().setRateLimit(limit(0.001, 2));
              return b;
            });
    Map<String, ProxyServer> before = new HashMap<>();
    for (String pod : PODS) {
      before.put(pod, kubelet.proxy(pod));
      assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt")).isEqualTo(200);
      assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt")).isEqualTo(200);
      HttpResponse<String> refused = Fleets.get(kubelet.base(pod) + "/photos/hello.txt");
      assertThat(refused.statusCode()).as(pod).isEqualTo(429);
      assertThat(refused.headers().firstValue("RateLimit-Limit")).contains("2");
      assertThat(refused.headers().firstValue("RateLimit-Remaining")).contains("0");
      assertThat(refused.headers().firstValue("RateLimit-Reset")).isPresent();
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    pods.harness()
        .edit(
            S3ProxyBucket.class,
            ns,
            "photos",
            b -> {
              b.getSpec().setRateLimit(limit(1000, 1000));
              return b;
            });
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String pod : PODS) {
                assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt"))
                    .as(pod)
                    .isEqualTo(200);
              }
            });
    for (String pod : PODS) {
      assertThat(kubelet.proxy(pod))
          .as("the same process, not a restart")
          .isSameAs(before.get(pod));
    }
  }

  /**
   * {@code spec.upstream.idleConnectionTimeout} of 1s closes every pod's idle connections to S3
   * within the await (20s), where the default of 30s would keep them open past it.
   */
  @Test
  void theBucketsIdleConnectionTimeoutClosesIdleS3ConnectionsOnEveryPod() throws Exception {
    fleetWith(
        b -> {
          UpstreamSettings upstream = new UpstreamSettings();
          upstream.setIdleConnectionTimeout("1s");
          b.getSpec().setUpstream(upstream);
          return b;
        });
    for (String pod : PODS) {
      assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt")).as(pod).isEqualTo(200);
    }
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              for (String pod : PODS) {
                assertThat(kubelet.proxy(pod).metrics().scrape().lines())
                    .as(pod + ": open connections to S3")
                    .contains("yatagarasu_upstream_connections 0.0");
              }
            });
    for (String pod : PODS) {
      assertThat(Fleets.status(kubelet.base(pod) + "/photos/hello.txt"))
          .as(pod + ", on a new connection")
          .isEqualTo(200);
    }
  }

  @Test
  void corsPreflightIsAnsweredByEveryPod() throws Exception {
    fleetWith(
        b -> {
          CorsSettings cors = new CorsSettings();
          cors.setAllowedOrigins(List.of("https://app.example.com"));
          cors.setAllowedHeaders(List.of("Range"));
          cors.setMaxAge("5m");
          b.getSpec().setCors(cors);
          return b;
        });
    for (String pod : PODS) {
      HttpResponse<Void> preflight =
          Fleets.HTTP.send(
              HttpRequest.newBuilder(URI.create(kubelet.base(pod) + "/photos/hello.txt"))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://app.example.com")
                  .header("Access-Control-Request-Method", "GET")
                  .header("Access-Control-Request-Headers", "range")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(preflight.statusCode()).as(pod).isBetween(200, 204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
          .contains("https://app.example.com");
      assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).contains("300");
      HttpResponse<String> get =
          Fleets.HTTP.send(
              HttpRequest.newBuilder(URI.create(kubelet.base(pod) + "/photos/hello.txt"))
                  .header("Origin", "https://app.example.com")
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.headers().firstValue("Access-Control-Allow-Origin"))
          .contains("https://app.example.com");
    }
  }

  @Test
  void aBucketWhosePrimaryIsDownIsServedFromItsReplica() throws Exception {
    int closed = FreePorts.find();
    fleetWith(
        b -> {
          S3Replica replica = new S3Replica();
          replica.setBucket("photos");
          replica.setRegion(b.getSpec().getS3().getRegion());
          replica.setEndpoint(pods.store().endpoint().toString());
          replica.setPathStyle(true);
          b.getSpec().getS3().setEndpoint("http://127.0.0.1:" + closed);
          b.getSpec().getS3().setReplicas(List.of(replica));
          return b;
        });
    for (String pod : PODS) {
      HttpResponse<String> response = Fleets.get(kubelet.base(pod) + "/photos/hello.txt");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello from photos");
      // What says so: the pod's failover counter for the bucket, as Prometheus scrapes it.
      assertThat(kubelet.proxy(pod).metrics().scrape())
          .as(pod)
          .containsPattern(
              "yatagarasu_upstream_failovers_total\\{bucket=\"[^\"]*photos\",[^}]*\\} [1-9]");
    }
  }

  private static X509Bundle certificate(String name) throws Exception {
    return new CertificateBuilder()
        .subject("CN=" + name)
        .addSanIpAddress("127.0.0.2")
        .addSanIpAddress("127.0.0.3")
        .setIsCertificateAuthority(true)
        .ecp256()
        .buildSelfSigned();
  }

  private static Secret tlsSecret(String ns, X509Bundle bundle) throws Exception {
    return tlsSecret(ns, bundle.getCertificatePEM(), bundle.getPrivateKeyPEM());
  }

  /**
   * A kubernetes.io/tls Secret labelled for the operator's Secret cache, so a change reaches it at
   * once (cert-manager: the Certificate's secretTemplate.labels).
   */
  private static Secret tlsSecret(String ns, String certificatePem, String keyPem) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName("edge-tls")
        .addToLabels(Labels.CREDENTIALS, "true")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .addToData("tls.crt", OperatorHarness.base64(certificatePem))
        .addToData("tls.key", OperatorHarness.base64(keyPem))
        .build();
  }

  /** The fleet's status.tls serial number, or null. */
  private static String statusSerial(String ns) {
    var fleet = pods.harness().fleet(ns, "edge");
    return fleet.getStatus() == null || fleet.getStatus().getTls() == null
        ? null
        : fleet.getStatus().getTls().getSerialNumber();
  }

  private static String hex(X509Bundle bundle) {
    return bundle.getCertificate().getSerialNumber().toString(16);
  }

  /** A client that trusts both certificates, so it can tell which one a pod serves. */
  private static java.net.http.HttpClient trusting(X509Bundle... bundles) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    for (int i = 0; i < bundles.length; i++) {
      trusted.setCertificateEntry("c" + i, bundles[i].getCertificate());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    return java.net.http.HttpClient.newBuilder()
        .sslContext(ssl)
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** The serial number of the certificate a pod serves. */
  private BigInteger servedSerial(java.net.http.HttpClient https, String pod) throws Exception {
    HttpResponse<String> response =
        https.send(
            HttpRequest.newBuilder(
                    URI.create(
                        kubelet.base(pod).replace("http://", "https://") + "/photos/hello.txt"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello from photos");
    return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }

  /**
   * A fleet of two pods serving HTTPS from the edge-tls Secret, which holds {@code first}, with
   * {@code spec.server.tls.provider} set.
   */
  private String tlsFleet(X509Bundle first, TlsSettings.Provider provider) throws Exception {
    String ns = pods.harness().newNamespace();
    pods.harness().create(tlsSecret(ns, first));
    fleetWith(
        ns,
        f -> {
          TlsSettings tls = new TlsSettings();
          tls.setSecretName("edge-tls");
          tls.setProvider(provider);
          f.getSpec().getServer().setTls(tls);
          return f;
        },
        b -> b);
    await().atMost(TIMEOUT).until(() -> hex(first).equals(statusSerial(ns)));
    return ns;
  }

  /** GET over HTTPS through {@code https}, answering the status (-1 when it failed). */
  private static int httpsStatus(java.net.http.HttpClient https, String url) {
    try {
      return https
          .send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void podsServeTheTlsSecretsCertificateAndMoveToItsReplacementWithoutRestartOrAFailedRequest()
      throws Exception {
    X509Bundle first = certificate("first");
    X509Bundle second = certificate("second");
    String ns = tlsFleet(first, TlsSettings.Provider.OPENSSL);
    Map<String, ProxyServer> before = new HashMap<>();
    for (String pod : PODS) {
      before.put(pod, kubelet.proxy(pod));
      assertThat(kubelet.proxy(pod).tlsProvider())
          .as("spec.server.tls.provider reaches the pod")
          .isEqualTo("openssl");
      assertThat(servedSerial(trusting(first, second), pod))
          .isEqualTo(first.getCertificate().getSerialNumber());
    }

    java.net.http.HttpClient https = trusting(first, second);
    List<String> urls =
        PODS.stream()
            .map(pod -> kubelet.base(pod).replace("http://", "https://") + "/photos/hello.txt")
            .toList();
    Load load = new Load(urls, 4, 120, url -> httpsStatus(https, url));
    try {
      client.resource(tlsSecret(ns, second)).update();
      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () -> {
                // The kubelet's periodic sync of Secret volumes.
                kubelet.syncSecretVolumes();
                for (String pod : PODS) {
                  // A new client each time: a pooled connection would keep the old handshake.
                  assertThat(servedSerial(trusting(first, second), pod))
                      .as(pod)
                      .isEqualTo(second.getCertificate().getSerialNumber());
                }
              });
    } finally {
      load.close();
    }
    assertThat(load.requests()).as("requests ran during the swap").isPositive();
    assertThat(load.failures()).as("failed requests during the swap").isEmpty();
    assertThat(statusSerial(ns)).isEqualTo(hex(second));
    for (String pod : PODS) {
      assertThat(kubelet.proxy(pod))
          .as("the same process, not a restart")
          .isSameAs(before.get(pod));
    }
  }

  @Test
  void aMalformedTlsSecretIsNamedOnStatusAndThePodsKeepTheLastGoodCertificate() throws Exception {
    X509Bundle first = certificate("first");
    X509Bundle second = certificate("second");
    String ns = tlsFleet(first, TlsSettings.Provider.JDK);
    for (String pod : PODS) {
      assertThat(kubelet.proxy(pod).tlsProvider()).isEqualTo("jdk");
    }

    // The new certificate with the old key: the proxy could not load the pair.
    client.resource(tlsSecret(ns, second.getCertificatePEM(), first.getPrivateKeyPEM())).update();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pods.harness().fleetVerdict(ns, "edge", "Degraded"))
                  .isEqualTo("True TlsSecretInvalid");
              assertThat(pods.harness().fleetCondition(ns, "edge", "Degraded").getMessage())
                  .contains(
                      "TLS Secret edge-tls: tls.key does not belong to the certificate in tls.crt",
                      "the pods keep serving the last good certificate (serial " + hex(first));
            });
    assertThat(statusSerial(ns)).isEqualTo(hex(first));
    Secret mounted = client.secrets().inNamespace(ns).withName("edge-proxy-tls").get();
    assertThat(mounted.getData().get("tls.crt"))
        .as("the pods' Secret still holds the last good pair")
        .isEqualTo(OperatorHarness.base64(first.getCertificatePEM()));
    kubelet.syncSecretVolumes();
    for (String pod : PODS) {
      assertThat(servedSerial(trusting(first, second), pod))
          .as(pod + " still serves the last good certificate")
          .isEqualTo(first.getCertificate().getSerialNumber());
    }

    client.resource(tlsSecret(ns, second)).update();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(pods.harness().fleetVerdict(ns, "edge", "Degraded"))
                  .isEqualTo("False AsExpected");
              assertThat(statusSerial(ns)).isEqualTo(hex(second));
              kubelet.syncSecretVolumes();
              for (String pod : PODS) {
                assertThat(servedSerial(trusting(first, second), pod))
                    .as(pod)
                    .isEqualTo(second.getCertificate().getSerialNumber());
              }
            });
  }
}
