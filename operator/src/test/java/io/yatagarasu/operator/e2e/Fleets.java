package io.yatagarasu.operator.e2e;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.ServerSettings;
import io.yatagarasu.operator.render.Labels;
import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Custom resources and HTTP calls the end-to-end tests share. */
final class Fleets {
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private Fleets() {}

  /** A fleet whose pods listen on ports free on this host (every pod uses the same two). */
  /**
   * An s3proxy with the e2e tests' identity and, in each of {@code buckets}, a {@code hello.txt}
   * that reads "hello from BUCKET".
   */
  static S3ProxyServer store(String... buckets) throws Exception {
    S3ProxyServer store = S3ProxyServer.start("store-key", "store-secret-0123456789");
    for (String bucket : buckets) {
      store.createBucket(bucket);
      store.putObject(
          bucket,
          "hello.txt",
          ("hello from " + bucket).getBytes(StandardCharsets.UTF_8),
          "text/plain",
          Map.of());
    }
    return store;
  }

  static S3ProxyConfig fleet(String namespace, String name, int replicas) {
    S3ProxyConfig fleet = OperatorHarness.fleet(namespace, name, replicas);
    ServerSettings server = new ServerSettings();
    server.setPort(FreePorts.find());
    server.setAdminPort(FreePorts.find());
    fleet.getSpec().setServer(server);
    return fleet;
  }

  /** A public bucket on the s3proxy, with credentials from {@code secret}. */
  static S3ProxyBucket bucket(
      String namespace,
      String name,
      String fleet,
      String prefix,
      String secret,
      String bucket,
      S3ProxyServer store) {
    S3ProxyBucket b = OperatorHarness.bucket(namespace, name, fleet, prefix, secret);
    b.getSpec().getS3().setBucket(bucket);
    b.getSpec().getS3().setEndpoint(store.endpoint().toString());
    b.getSpec().getS3().setPathStyle(true);
    return b;
  }

  static Secret credentials(String namespace, String name, String accessKey, String secretKey) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels(Labels.CREDENTIALS, "true")
        .endMetadata()
        .addToData("AWS_ACCESS_KEY_ID", OperatorHarness.base64(accessKey))
        .addToData("AWS_SECRET_ACCESS_KEY", OperatorHarness.base64(secretKey))
        .build();
  }

  /** GET, answering the status code (or -1 when the request failed). */
  static int status(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
