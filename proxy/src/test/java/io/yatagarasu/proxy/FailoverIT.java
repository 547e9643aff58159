package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Circuit breaking and failover against real s3proxy servers, one of them behind a fault-injecting
 * proxy: the breaker opens, fails fast, probes and closes; a replica serves when the primary fails;
 * a 404 is an answer, not a failure.
 */
class FailoverIT {
  private static S3ProxyServer primary;
  private static S3ProxyServer replica;
  private static FaultProxy faults;
  private static FaultProxy lone;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    primary = S3ProxyServer.start("p-key", "p-secret-0123456789");
    replica = S3ProxyServer.start("r-key", "r-secret-0123456789");
    for (S3ProxyServer store : new S3ProxyServer[] {primary, replica}) {
      store.createBucket("files");
      store.putObject(
          "files",
          "where.txt",
          (store == primary ? "primary" : "replica").getBytes(StandardCharsets.UTF_8),
          "text/plain",
          Map.of());
    }
    faults = new FaultProxy(primary.port());
    lone = new FaultProxy(primary.port());
    String yaml =
        """
        server: { listen: 127.0.0.1:0 }
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: false }
        upstream:
          responseTimeout: 2s
          retry: { maxAttempts: 1 }
          circuitBreaker: { failureRatePercent: 50, minimumRequests: 4, window: 30s, openDuration: 1s, halfOpenProbes: 1 }
        buckets:
          - name: replicated
            pathPrefix: /replicated
            auth: { type: public }
            s3:
              bucket: files
              region: us-east-1
              endpoint: "http://127.0.0.1:%d"
              credentials: { accessKeyId: p-key, secretAccessKey: p-secret-0123456789 }
              replicas:
                - { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: r-key, secretAccessKey: r-secret-0123456789 } }
          - name: lone
            pathPrefix: /lone
            auth: { type: public }
            s3: { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: p-key, secretAccessKey: p-secret-0123456789 } }
        """
            .formatted(faults.port(), replica.port(), lone.port());
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    faults.close();
    lone.close();
    primary.close();
    replica.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aReplicaServesWhenThePrimaryFailsAndA404DoesNotFailOver() throws Exception {
    faults.pass();
    assertThat(get("/replicated/where.txt").body()).isEqualTo("primary");
    // A 404 from the primary is an answer: the replica (which has no such key either) is not asked.
    assertThat(get("/replicated/missing.txt").statusCode()).isEqualTo(404);
    faults.resetAll();
    HttpResponse<String> r = get("/replicated/where.txt");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("replica");
    assertThat(proxy.metrics().scrape())
        .contains("yatagarasu_upstream_failovers_total{bucket=\"replicated\",reason=\"closed\"}");
    faults.pass();
  }

  @Test
  void theBreakerOpensFailsFastProbesAndCloses() throws Exception {
    lone.resetAll();
    for (int i = 0; i < 4; i++) {
      assertThat(get("/lone/where.txt").statusCode()).isEqualTo(502);
    }
    int attempts = lone.connections();
    HttpResponse<String> open = get("/lone/where.txt");
    assertThat(open.statusCode()).isEqualTo(503);
    assertThat(open.headers().firstValue("retry-after")).hasValue("1");
    // Fails fast: the answer comes without a connection attempt (no wall-clock bound).
    assertThat(lone.connections()).as("no attempt while open").isEqualTo(attempts);
    assertThat(proxy.metrics().scrape())
        .containsPattern(
            "yatagarasu_upstream_circuit_state\\{endpoint=\"127.0.0.1:"
                + lone.port()
                + "\"\\} 2.0");
    // After the open duration one probe goes through; the endpoint has recovered, so it closes.
    lone.pass();
    await().atMost(Duration.ofSeconds(5)).until(() -> get("/lone/where.txt").statusCode() == 200);
    assertThat(get("/lone/where.txt").statusCode()).isEqualTo(200);
    assertThat(proxy.metrics().scrape())
        .containsPattern(
            "yatagarasu_upstream_circuit_state\\{endpoint=\"127.0.0.1:"
                + lone.port()
                + "\"\\} 0.0");
  }
}
