package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate limits through the proxy: 429 with Retry-After and RateLimit-* headers, per scope. */
class RateLimitIT {
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("rl-key", "rl-secret-0123456789");
    store.createBucket("files");
    store.putObject("files", "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    String s3 =
        "{ bucket: files, region: us-east-1, endpoint: \""
            + store.endpoint()
            + "\", credentials: { accessKeyId: rl-key, secretAccessKey: rl-secret-0123456789 } }";
    String yaml =
        """
        server: { listen: 127.0.0.1:0, trustedProxies: [127.0.0.1] }
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: false }
        rateLimits:
          perClientIp: { requestsPerSecond: 0.1, burst: 3 }
        buckets:
          - { name: slow, pathPrefix: /slow, s3: S3, auth: { type: public }, rateLimit: { requestsPerSecond: 0.1, burst: 2 } }
          - { name: free, pathPrefix: /free, s3: S3, auth: { type: public } }
        """
            .replace("S3", s3);
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    store.close();
  }

  private static HttpResponse<String> get(String path, String client) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).header("X-Forwarded-For", client).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBucketLimitAnswers429WithRetryHeaders() throws Exception {
    assertThat(get("/slow/a.txt", "198.51.100.1").statusCode()).isEqualTo(200);
    assertThat(get("/slow/a.txt", "198.51.100.2").statusCode()).isEqualTo(200);
    HttpResponse<String> limited = get("/slow/a.txt", "198.51.100.3");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("\"error\":\"TooManyRequests\"");
    assertThat(limited.headers().firstValue("retry-after")).get().asString().matches("[1-9][0-9]*");
    assertThat(limited.headers().firstValue("ratelimit-limit")).hasValue("2");
    assertThat(limited.headers().firstValue("ratelimit-remaining")).hasValue("0");
    assertThat(limited.headers().firstValue("ratelimit-reset")).isPresent();
    // Other buckets are not affected.
    assertThat(get("/free/a.txt", "198.51.100.4").statusCode()).isEqualTo(200);
  }

  @Test
  void eachClientAddressHasItsOwnLimit() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(get("/free/a.txt", "203.0.113.50").statusCode()).isEqualTo(200);
    }
    assertThat(get("/free/a.txt", "203.0.113.50").statusCode()).isEqualTo(429);
    assertThat(get("/free/a.txt", "203.0.113.51").statusCode()).isEqualTo(200);
    assertThat(proxy.metrics().scrape())
        .contains("yatagarasu_rate_limited_total{bucket=\"free\",scope=\"client\"}");
  }
}
