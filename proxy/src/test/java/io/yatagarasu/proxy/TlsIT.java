package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.TlsProvider;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the data listener, with each provider: HTTP/2 and HTTP/1.1 through ALPN, certificate
 * rotation by file, and the served certificate reported on the admin API and as metrics.
 */
class TlsIT {
  private static final long BIG = 4L * 1024 * 1024;
  private static final String TOKEN = "tls-admin-token-0123456789";

  @Nested
  class WithTheJdkProvider extends Cases {
    WithTheJdkProvider() {
      super(TlsProvider.JDK);
    }
  }

  @Nested
  class WithTheOpenSslProvider extends Cases {
    WithTheOpenSslProvider() {
      super(TlsProvider.OPENSSL);
    }

    @Test
    void servesWithBoringSsl() {
      assertThat(io.netty.handler.ssl.OpenSsl.isAvailable()).isTrue();
      assertThat(io.netty.handler.ssl.OpenSsl.versionString()).contains("BoringSSL");
    }
  }

  /** Every case, against a proxy and store of its own, with the provider of the subclass. */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  abstract class Cases {
    private final TlsProvider provider;
    private Path dir;
    private S3ProxyServer store;
    private ProxyServer proxy;
    private X509Bundle first;
    private Path certificate;
    private Path key;
    private String base;

    Cases(TlsProvider provider) {
      this.provider = provider;
    }

    private static X509Bundle bundle(String name) throws Exception {
      return new CertificateBuilder()
          .subject("CN=" + name)
          .addSanDnsName("localhost")
          .addSanIpAddress("127.0.0.1")
          .setIsCertificateAuthority(true)
          .ecp256()
          .buildSelfSigned();
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
      this.dir = dir;
      store = S3ProxyServer.start("tls-key", "tls-secret-0123456789");
      store.createBucket("files");
      store.putObject(
          "files",
          "a.txt",
          "hello over tls".getBytes(StandardCharsets.UTF_8),
          "text/plain",
          Map.of());
      store.putGeneratedObject("files", "big.bin", BIG);
      first = bundle("first");
      certificate = dir.resolve("tls.crt");
      key = dir.resolve("tls.key");
      Files.writeString(certificate, first.getCertificatePEM());
      Files.writeString(key, first.getPrivateKeyPEM());
      Path tokenFile = dir.resolve("admin-token");
      Files.writeString(tokenFile, TOKEN);
      String yaml =
          """
        server:
          listen: 127.0.0.1:0
          tls: { certificateFile: "%s", privateKeyFile: "%s", provider: %s }
        admin: { listen: 127.0.0.1:0, tokenFile: "%s" }
        buckets:
          - name: files
            pathPrefix: /files
            s3: { bucket: files, region: us-east-1, endpoint: "%s", credentials: { accessKeyId: tls-key, secretAccessKey: tls-secret-0123456789 } }
            auth: { type: public }
        """
              .formatted(
                  certificate,
                  key,
                  provider.name().toLowerCase(java.util.Locale.ROOT),
                  tokenFile,
                  store.endpoint());
      proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
      base = "https://localhost:" + proxy.dataAddress().getPort();
    }

    @AfterAll
    void stop() {
      if (proxy != null) {
        proxy.close();
      }
      if (store != null) {
        store.close();
      }
    }

    private static HttpClient client(X509Bundle trusted, HttpClient.Version version)
        throws Exception {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, trusted.toTrustManagerFactory().getTrustManagers(), null);
      return HttpClient.newBuilder()
          .sslContext(ssl)
          .version(version)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
    }

    @Test
    void servesHttp2AndHttp11ThroughAlpn() throws Exception {
      HttpResponse<String> h2 =
          client(first, HttpClient.Version.HTTP_2)
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/files/a.txt")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(h2.statusCode()).isEqualTo(200);
      assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(h2.body()).isEqualTo("hello over tls");
      assertThat(h2.headers().firstValue("x-request-id")).isPresent();

      HttpResponse<String> h1 =
          client(first, HttpClient.Version.HTTP_1_1)
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/files/a.txt")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(h1.body()).isEqualTo("hello over tls");

      HttpResponse<String> missing =
          client(first, HttpClient.Version.HTTP_2)
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/files/nope.txt")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("NoSuchKey");
    }

    @Test
    void streamsLargeObjectsAndRangesOverHttp2() throws Exception {
      HttpClient client = client(first, HttpClient.Version.HTTP_2);
      HttpResponse<InputStream> whole =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/files/big.bin")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(whole.version()).isEqualTo(HttpClient.Version.HTTP_2);
      try (InputStream in = whole.body()) {
        TestContent.verify(in, 0, BIG);
      }
      HttpResponse<byte[]> range =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/files/big.bin"))
                  .header("Range", "bytes=100-199")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(TestContent.bytes(100, 100));
    }

    /**
     * Many streams at once on one connection, small answers among large ones: every stream gets its
     * whole answer (the flushes of streams answered together are consolidated, and the large bodies
     * wait on flow control meanwhile).
     */
    @Test
    void answersEveryConcurrentStreamOnOneHttp2Connection() throws Exception {
      HttpClient client = client(first, HttpClient.Version.HTTP_2);
      // One connection first: every stream below then shares it.
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create(base + "/files/a.txt")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .version())
          .isEqualTo(HttpClient.Version.HTTP_2);
      List<CompletableFuture<HttpResponse<byte[]>>> small = new ArrayList<>();
      List<CompletableFuture<HttpResponse<InputStream>>> large = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        small.add(
            client.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/files/a.txt")).build(),
                HttpResponse.BodyHandlers.ofByteArray()));
        if (i % 50 == 0) {
          large.add(
              client.sendAsync(
                  HttpRequest.newBuilder(URI.create(base + "/files/big.bin")).build(),
                  HttpResponse.BodyHandlers.ofInputStream()));
        }
      }
      for (CompletableFuture<HttpResponse<InputStream>> answer : large) {
        HttpResponse<InputStream> response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        try (InputStream in = response.body()) {
          TestContent.verify(in, 0, BIG);
        }
      }
      for (CompletableFuture<HttpResponse<byte[]>> answer : small) {
        HttpResponse<byte[]> response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("hello over tls");
      }
    }

    @Test
    void countsFailedHandshakesSuchAsPlainHttp() throws Exception {
      try (java.net.Socket socket =
          new java.net.Socket("127.0.0.1", proxy.dataAddress().getPort())) {
        socket.setSoTimeout(5_000);
        socket
            .getOutputStream()
            .write(
                "GET /files/a.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(socket.getInputStream().read()).as("closed without an HTTP answer").isIn(-1, 21);
      } catch (java.net.SocketException reset) {
        // closed by the proxy
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  proxy
                      .metrics()
                      .scrape()
                      .lines()
                      .anyMatch(l -> l.matches("yatagarasu_tls_handshake_failures_total [1-9].*")));
    }

    /** GET /admin/tls with the admin token. */
    private JsonNode adminTls() throws Exception {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + proxy.adminAddress().getPort() + "/admin/tls"))
                      .header("Authorization", "Bearer " + TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      return new ObjectMapper().readTree(response.body());
    }

    private static String fingerprint(X509Bundle bundle) throws Exception {
      return HexFormat.ofDelimiter(":")
          .withUpperCase()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(bundle.getCertificate().getEncoded()));
    }

    /** The value of the one sample of {@code name}, or null when the proxy does not expose it. */
    private String sample(String name) {
      return proxy
          .metrics()
          .scrape()
          .lines()
          .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
          .findFirst()
          .orElse(null);
    }

    @Test
    void reportsTheServedCertificateOnTheAdminApiAndAsMetricsWithoutTheKey() throws Exception {
      JsonNode tls = adminTls();
      assertThat(tls.path("enabled").asBoolean()).isTrue();
      assertThat(tls.path("serialNumber").asText())
          .isEqualTo(first.getCertificate().getSerialNumber().toString(16));
      assertThat(tls.path("subject").asText()).isEqualTo("CN=first");
      assertThat(Instant.parse(tls.path("notAfter").asText()))
          .isEqualTo(first.getCertificate().getNotAfter().toInstant());
      assertThat(tls.path("sha256").asText()).isEqualTo(fingerprint(first));
      assertThat(Instant.parse(tls.path("loadedAt").asText()))
          .isBefore(Instant.now().plusSeconds(1));
      assertThat(tls.toString()).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN");

      assertThat(sample("yatagarasu_tls_certificate_expiry_timestamp_seconds"))
          .endsWith(
              " " + (double) first.getCertificate().getNotAfter().toInstant().getEpochSecond());
      assertThat(sample("yatagarasu_tls_certificate_info"))
          .contains("serial=\"" + first.getCertificate().getSerialNumber().toString(16) + "\"")
          .contains("sha256=\"" + fingerprint(first) + "\"");

      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + proxy.adminAddress().getPort() + "/admin/tls"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).as("the admin token is required").isEqualTo(401);
    }

    @Test
    @Order(Integer.MAX_VALUE) // the other tests trust the first certificate
    void rotatesTheCertificateWhenItsFilesChange() throws Exception {
      X509Bundle second = bundle("second");
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/files/a.txt")).build();
      // Not trusted yet: the proxy still presents the first certificate.
      assertThatThrownBy(
              () ->
                  client(second, HttpClient.Version.HTTP_1_1)
                      .send(request, HttpResponse.BodyHandlers.ofString()))
          .hasCauseInstanceOf(SSLHandshakeException.class)
          .isInstanceOf(java.io.IOException.class);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  proxy.metrics().scrape().contains("yatagarasu_tls_handshake_failures_total 1.0"));
      Path newCertificate = dir.resolve("tls.crt.new");
      Path newKey = dir.resolve("tls.key.new");
      Files.writeString(newCertificate, second.getCertificatePEM());
      Files.writeString(newKey, second.getPrivateKeyPEM());
      Files.move(newKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          newCertificate,
          certificate,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .until(
              () ->
                  client(second, HttpClient.Version.HTTP_1_1)
                          .send(request, HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);
      // What the listener presents is what the admin API and the metrics report.
      JsonNode tls = adminTls();
      assertThat(tls.path("serialNumber").asText())
          .isEqualTo(second.getCertificate().getSerialNumber().toString(16));
      assertThat(tls.path("subject").asText()).isEqualTo("CN=second");
      assertThat(tls.path("sha256").asText()).isEqualTo(fingerprint(second));
      assertThat(sample("yatagarasu_tls_certificate_expiry_timestamp_seconds"))
          .endsWith(
              " " + (double) second.getCertificate().getNotAfter().toInstant().getEpochSecond());
      assertThat(sample("yatagarasu_tls_certificate_info"))
          .as("only the certificate presented now")
          .contains("serial=\"" + second.getCertificate().getSerialNumber().toString(16) + "\"");
      assertThat(proxy.metrics().scrape())
          .doesNotContain(first.getCertificate().getSerialNumber().toString(16))
          .contains("yatagarasu_tls_certificate_reloads_total{result=\"loaded\"} 2.0");
    }
  }
}
