package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to the standalone proxy: readiness off, drain, finish or cut in-flight, exit 0. */
class GracefulShutdownIT {
  private static final long SIZE = 32L * 1024 * 1024;

  @TempDir static Path dir;
  private static S3ProxyServer store;

  @BeforeAll
  static void start() {
    store = S3ProxyServer.start("shut-key", "shut-secret-0123456789");
    store.createBucket("files");
    store.putGeneratedObject("files", "object.bin", SIZE);
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  private record Running(ShippedProxy jar, int port, int adminPort) implements AutoCloseable {
    @Override
    public void close() {
      jar.close();
    }
  }

  private Running startProxy(String name, String drainDelay, String grace) throws Exception {
    int port = FreePorts.find();
    int adminPort = FreePorts.find();
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(
        config,
        """
        server: { listen: 127.0.0.1:%d, drainDelay: %s, shutdownGracePeriod: %s }
        admin: { listen: 127.0.0.1:%d }
        buckets:
          - name: files
            pathPrefix: /files
            s3: { bucket: files, region: us-east-1, endpoint: "%s", credentials: { accessKeyId: shut-key, secretAccessKey: shut-secret-0123456789 } }
            auth: { type: public }
        """
            .formatted(port, drainDelay, grace, adminPort, store.endpoint()));
    ShippedProxy jar =
        ShippedProxy.builder(config, dir.resolve(name + ".log")).start().awaitReady(adminPort);
    return new Running(jar, port, adminPort);
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Downloads the object at about {@code bytesPerSecond}, verifying every byte. */
  private static CompletableFuture<Long> slowDownload(
      int port, long bytesPerSecond, AtomicLong progress) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            HttpResponse<InputStream> r =
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/files/object.bin"))
                            .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            long start = System.nanoTime();
            long read = 0;
            byte[] buf = new byte[64 * 1024];
            byte[] expected = new byte[buf.length];
            try (InputStream in = r.body()) {
              int n;
              while ((n = in.read(buf)) >= 0) {
                TestContent.fill(read, expected, 0, n);
                for (int i = 0; i < n; i++) {
                  if (buf[i] != expected[i]) {
                    throw new IllegalStateException("wrong byte at " + (read + i));
                  }
                }
                read += n;
                progress.set(read);
                long due = start + read * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                }
              }
            }
            return read;
          } catch (IOException e) {
            return -1L;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1L;
          }
        });
  }

  @Test
  void finishesInFlightDownloadsAfterTheDrainAndExitsZero() throws Exception {
    // A drain delay of 5 s leaves room for a loaded machine to turn /ready to 503 within it.
    try (Running proxy = startProxy("drain", "5s", "30s")) {
      // 32 MiB at 4 MiB/s: about 8 s, longer than the drain delay.
      AtomicLong progress = new AtomicLong();
      CompletableFuture<Long> download = slowDownload(proxy.port(), 4L * 1024 * 1024, progress);
      await().atMost(Duration.ofSeconds(10)).until(() -> progress.get() > 0);
      proxy.jar().signal("TERM");
      await()
          .atMost(Duration.ofSeconds(4))
          .ignoreExceptions()
          .until(() -> status("http://127.0.0.1:" + proxy.adminPort() + "/ready") == 503);
      // Still serving during the drain delay.
      assertThat(status("http://127.0.0.1:" + proxy.port() + "/health")).isEqualTo(200);
      // After it, new connections are refused.
      await().atMost(Duration.ofSeconds(15)).until(() -> refused(proxy.port()));
      assertThat(download.get(60, TimeUnit.SECONDS)).isEqualTo(SIZE);
      assertThat(proxy.jar().waitFor(Duration.ofSeconds(30))).isTrue();
      assertThat(proxy.jar().exitValue()).isZero();
      assertThat(Files.readString(dir.resolve("drain.log"))).contains("1 finished, 0 cut");
    }
  }

  @Test
  void cutsADownloadLongerThanTheGracePeriod() throws Exception {
    try (Running proxy = startProxy("cut", "0s", "1s")) {
      // 32 MiB at 2 MiB/s would take 16 s: the 1 s grace period cuts it.
      AtomicLong progress = new AtomicLong();
      CompletableFuture<Long> download = slowDownload(proxy.port(), 2L * 1024 * 1024, progress);
      await().atMost(Duration.ofSeconds(10)).until(() -> progress.get() > 0);
      long start = System.nanoTime();
      proxy.jar().signal("TERM");
      assertThat(proxy.jar().waitFor(Duration.ofSeconds(30))).isTrue();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(proxy.jar().exitValue()).isZero();
      assertThat(millis).as("not before the grace period").isGreaterThanOrEqualTo(900L);
      assertThat(download.get(30, TimeUnit.SECONDS)).isNotEqualTo(SIZE);
      assertThat(Files.readString(dir.resolve("cut.log"))).contains("0 finished, 1 cut");
    }
  }

  private static boolean refused(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
