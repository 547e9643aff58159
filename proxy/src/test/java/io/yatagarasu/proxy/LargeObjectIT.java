package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar, started as its own process with a 64 MiB heap, streams a 1 GiB object to a
 * client that reads slower than S3 sends: memory stays flat because the proxy reads from S3 only as
 * fast as the client drains.
 */
class LargeObjectIT {
  private static final long SIZE = 1024L * 1024 * 1024;
  private static final long CLIENT_BYTES_PER_SECOND = 96L * 1024 * 1024;

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static ShippedProxy proxy;
  private static int port;
  private static int adminPort;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("large-key", "large-secret-0123456789");
    store.createBucket("large");
    store.putGeneratedObject("large", "gigabyte.bin", SIZE);

    port = FreePorts.find();
    adminPort = FreePorts.find();
    Path config = dir.resolve("proxy.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "server:",
            "  listen: 127.0.0.1:" + port,
            "admin:",
            "  listen: 127.0.0.1:" + adminPort,
            "buckets:",
            "  - name: large",
            "    pathPrefix: /large",
            "    s3:",
            "      bucket: large",
            "      region: us-east-1",
            "      endpoint: " + store.endpoint(),
            "      credentials:",
            "        accessKeyId: ${LARGE_KEY}",
            "        secretAccessKey: ${LARGE_SECRET}",
            "    auth:",
            "      type: public",
            ""));
    proxy =
        ShippedProxy.builder(config, dir.resolve("proxy.log"))
            .jvmOptions("-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-XX:+UseSerialGC")
            .environment("LARGE_KEY", "large-key")
            .environment("LARGE_SECRET", "large-secret-0123456789")
            .start()
            .awaitReady(adminPort);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void streamsOneGibibyteToASlowClientInConstantMemory() throws Exception {
    AtomicLong maxRssKib = new AtomicLong();
    long startRssKib = rssKib(proxy.pid());
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(
        () -> maxRssKib.accumulateAndGet(rssKib(proxy.pid()), Math::max),
        0,
        100,
        TimeUnit.MILLISECONDS);
    long started = System.nanoTime();
    try {
      HttpResponse<InputStream> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/large/gigabyte.bin"))
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValueAsLong("content-length")).hasValue(SIZE);
      try (InputStream in = new PacedInputStream(response.body(), CLIENT_BYTES_PER_SECOND)) {
        TestContent.verify(in, 0, SIZE);
      }
    } finally {
      sampler.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "1 GiB through the proxy (-Xmx64m): %.1f s, %.0f MiB/s, RSS start %d MiB, max %d MiB%n",
        seconds, SIZE / 1048576.0 / seconds, startRssKib / 1024, maxRssKib.get() / 1024);
    assertThat(proxy.isAlive()).isTrue();
    // A proxy that buffered the object would die with a 64 MiB heap or grow far beyond this.
    assertThat(maxRssKib.get()).isLessThan(256L * 1024);
  }

  private static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** Reads no faster than a set rate, like a client on a slow link. */
  private static final class PacedInputStream extends InputStream {
    private final InputStream in;
    private final long bytesPerSecond;
    private final long start = System.nanoTime();
    private long read;

    PacedInputStream(InputStream in, long bytesPerSecond) {
      this.in = in;
      this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long due = start + read * 1_000_000_000L / bytesPerSecond;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int n = in.read(b, off, Math.min(len, 64 * 1024));
      if (n > 0) {
        read += n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
