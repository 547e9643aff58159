package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration swaps under load through the admin API: no request fails, and no response mixes two
 * configurations, even a download that outlives the bucket it came from.
 */
class HotSwapIT {
  private static final int OBJECT_SIZE = 64 * 1024;
  private static final long BIG_SIZE = 1024L * 1024 * 1024;
  private static final String TOKEN = "swap-admin-token-0123456789";

  @TempDir static Path dir;
  private static S3ProxyServer blue;
  private static S3ProxyServer green;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;
  private static String admin;
  private static long generation = 1;

  @BeforeAll
  static void start() throws Exception {
    blue = S3ProxyServer.start("blue-key", "blue-secret-0123456789");
    green = S3ProxyServer.start("green-key", "green-secret-0123456789");
    blue.createBucket("blue");
    green.createBucket("green");
    byte[] a = new byte[OBJECT_SIZE];
    byte[] b = new byte[OBJECT_SIZE];
    Arrays.fill(a, (byte) 'A');
    Arrays.fill(b, (byte) 'B');
    blue.putObject("blue", "obj.bin", a, "application/octet-stream", Map.of());
    green.putObject("green", "obj.bin", b, "application/octet-stream", Map.of());
    blue.putGeneratedObject("blue", "big.bin", BIG_SIZE);
    Files.writeString(dir.resolve("token"), TOKEN + "\n");

    proxy = ProxyServer.start(document(blueDoc(true)), "file");
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (blue != null) {
      blue.close();
    }
    if (green != null) {
      green.close();
    }
  }

  private static ConfigDocument document(String yaml) throws Exception {
    return new ConfigParser(Environment.of(Map.of())).parseYamlDocument(yaml);
  }

  private static String header() {
    return "server: { listen: 127.0.0.1:0 }\n"
        + "admin: { listen: 127.0.0.1:0, tokenFile: \""
        + dir.resolve("token")
        + "\" }\n"
        + "logging: { accessLog: false }\n"
        + "upstream: { responseTimeout: 10s }\n"
        + "buckets:\n";
  }

  private static String bucket(String name, String prefix, S3ProxyServer store, String bucket) {
    return "  - name: "
        + name
        + "\n    pathPrefix: "
        + prefix
        + "\n    s3: { bucket: "
        + bucket
        + ", region: us-east-1, endpoint: \""
        + store.endpoint()
        + "\", credentials: { accessKeyId: "
        + store.accessKey()
        + ", secretAccessKey: "
        + store.secretKey()
        + " } }\n    auth: { type: public }\n";
  }

  private static String blueDoc(boolean withBig) {
    return header()
        + bucket("swap", "/swap", blue, "blue")
        + (withBig ? bucket("big", "/big", blue, "blue") : "");
  }

  private static String greenDoc(boolean withBig) {
    return header()
        + bucket("swap", "/swap", green, "green")
        + (withBig ? bucket("big", "/big", blue, "blue") : "");
  }

  /** Pushes a document through the admin API as the operator does. */
  private static HttpResponse<String> push(String yaml) throws Exception {
    String json = ConfigWriter.toJson(document(yaml).config());
    return http.send(
        HttpRequest.newBuilder(URI.create(admin + "/admin/config"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("X-Config-Generation", String.valueOf(++generation))
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void hundredSwapsUnderLoadFailNoRequestAndMixNoResponse() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong requests = new AtomicLong();
    AtomicInteger fromBlue = new AtomicInteger();
    AtomicInteger fromGreen = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<Future<?>> workers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int w = 0; w < 8; w++) {
      workers.add(
          clients.submit(
              () -> {
                while (running.get() && System.nanoTime() < deadline) {
                  try {
                    HttpResponse<byte[]> r =
                        http.send(
                            HttpRequest.newBuilder(URI.create(base + "/swap/obj.bin")).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    requests.incrementAndGet();
                    byte[] body = r.body();
                    if (r.statusCode() != 200 || body.length != OBJECT_SIZE) {
                      synchronized (failures) {
                        failures.add(r.statusCode() + " length " + body.length);
                      }
                    } else if (allEqual(body, (byte) 'A')) {
                      fromBlue.incrementAndGet();
                    } else if (allEqual(body, (byte) 'B')) {
                      fromGreen.incrementAndGet();
                    } else {
                      synchronized (failures) {
                        failures.add("mixed body");
                      }
                    }
                  } catch (Exception e) {
                    synchronized (failures) {
                      failures.add(e.toString());
                    }
                  }
                }
              }));
    }
    long swapNanos = 0;
    for (int i = 0; i < 100; i++) {
      long t = System.nanoTime();
      HttpResponse<String> pushed = push(i % 2 == 0 ? greenDoc(true) : blueDoc(true));
      swapNanos += System.nanoTime() - t;
      assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(200);
      assertThat(pushed.body()).contains("\"status\":\"applied\"");
      // Let some requests through each configuration before the next swap.
      long seen = requests.get();
      while (requests.get() < seen + 25 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }
    running.set(false);
    for (Future<?> worker : workers) {
      worker.get(30, TimeUnit.SECONDS);
    }
    clients.shutdown();
    System.out.printf(
        "100 swaps under load: %d requests (%d blue, %d green), %d failures, mean swap %.2f ms%n",
        requests.get(), fromBlue.get(), fromGreen.get(), failures.size(), swapNanos / 100 / 1e6);
    assertThat(failures).isEmpty();
    assertThat(requests.get()).isGreaterThanOrEqualTo(1000);
    assertThat(fromBlue.get()).isPositive();
    assertThat(fromGreen.get()).isPositive();
  }

  @Test
  void aDownloadOutlivesTheRemovalOfItsBucket() throws Exception {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/big/big.bin")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (InputStream in = response.body()) {
      byte[] first = in.readNBytes(1024 * 1024);
      assertThat(first).isEqualTo(TestContent.bytes(0, first.length));
      HttpResponse<String> removed = push(greenDoc(false));
      assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
      HttpResponse<byte[]> gone =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/big/big.bin")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(gone.statusCode()).isEqualTo(404);
      TestContent.verify(in, first.length, BIG_SIZE - first.length);
    }
    // Restore the bucket for other tests.
    assertThat(push(blueDoc(true)).statusCode()).isEqualTo(200);
  }

  private static boolean allEqual(byte[] body, byte value) {
    for (byte b : body) {
      if (b != value) {
        return false;
      }
    }
    return true;
  }
}
