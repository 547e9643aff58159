package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.LogFormat;
import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.S3Credentials;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.Transport;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.testkit.S3ProxyServer;
import io.yatagarasu.testkit.TestContent;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each transport the proxy offers (NIO, epoll, io_uring) serves the same requests against a real
 * s3proxy: whole objects streamed byte-exact, ranges, conditionals, errors and many requests at
 * once. A native transport the kernel or the runtime does not offer is skipped, not failed.
 */
class TransportIT {
  private static final String SECRET = "transport-secret-0123";
  private static final long BIG_SIZE = 6L * 1024 * 1024;
  private static final int SMALL_SIZE = 1024;
  private static final int MID_SIZE = 512 * 1024;
  private static final int CONCURRENT = 96;

  private static S3ProxyServer store;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    store = S3ProxyServer.start("transport-key", SECRET);
    store.createBucket("objects");
    store.putGeneratedObject("objects", "big.bin", BIG_SIZE);
    store.putGeneratedObject("objects", "small.bin", SMALL_SIZE);
    store.putGeneratedObject("objects", "mid.bin", MID_SIZE);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"NIO", "EPOLL", "IO_URING"})
  void servesObjectsRangesConditionalsAndErrorsOverEachTransport(Transport transport)
      throws Exception {
    assumeTrue(available(transport), () -> transport + " is not available on this machine");
    try (ProxyServer proxy = ProxyServer.start(config(transport))) {
      assertThat(proxy.transport()).isEqualTo(transport.name().toLowerCase());
      String base = "http://127.0.0.1:" + proxy.dataAddress().getPort() + "/o/";

      HttpResponse<InputStream> whole =
          http.send(get(base + "big.bin").build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.headers().firstValueAsLong("content-length")).hasValue(BIG_SIZE);
      try (InputStream body = whole.body()) {
        TestContent.verify(body, 0, BIG_SIZE);
      }
      String etag = whole.headers().firstValue("etag").orElseThrow();

      HttpResponse<byte[]> range =
          http.send(
              get(base + "big.bin").header("Range", "bytes=1000000-1000999").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.headers().firstValue("content-range"))
          .hasValue("bytes 1000000-1000999/" + BIG_SIZE);
      assertThat(range.body()).isEqualTo(TestContent.bytes(1_000_000, 1000));

      HttpResponse<byte[]> notModified =
          http.send(
              get(base + "big.bin").header("If-None-Match", etag).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(notModified.statusCode()).isEqualTo(304);
      assertThat(notModified.body()).isEmpty();

      HttpResponse<byte[]> head =
          http.send(
              get(base + "big.bin").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValueAsLong("content-length")).hasValue(BIG_SIZE);
      assertThat(head.body()).isEmpty();

      HttpResponse<String> missing =
          http.send(get(base + "missing.bin").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("NoSuchKey");

      List<CompletableFuture<HttpResponse<byte[]>>> many = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        many.add(
            http.sendAsync(
                get(base + "small.bin").build(), HttpResponse.BodyHandlers.ofByteArray()));
      }
      for (CompletableFuture<HttpResponse<byte[]>> each : many) {
        HttpResponse<byte[]> r = each.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TestContent.bytes(0, SMALL_SIZE));
      }
    }
  }

  /**
   * Many large responses at once, each read from S3 and written to a client: over io_uring every
   * read of the 96 client and up to 64 upstream connections takes its buffer from its event loop's
   * shared receive ring (128 buffers at most), which refills as buffers are handed on.
   */
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"NIO", "EPOLL", "IO_URING"})
  void manyConcurrentLargeResponsesArriveWholeOverEachTransport(Transport transport)
      throws Exception {
    assumeTrue(available(transport), () -> transport + " is not available on this machine");
    try (ProxyServer proxy = ProxyServer.start(config(transport))) {
      String uri = "http://127.0.0.1:" + proxy.dataAddress().getPort() + "/o/mid.bin";
      List<CompletableFuture<HttpResponse<byte[]>>> many = new ArrayList<>();
      for (int i = 0; i < CONCURRENT; i++) {
        many.add(http.sendAsync(get(uri).build(), HttpResponse.BodyHandlers.ofByteArray()));
      }
      byte[] expected = TestContent.bytes(0, MID_SIZE);
      for (CompletableFuture<HttpResponse<byte[]>> each : many) {
        HttpResponse<byte[]> r = each.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
      }
    }
  }

  @Test
  void autoRunsTheFirstAvailableOfIoUringEpollAndNioAndExposesIt() throws Exception {
    // io_uring on this machine (Linux 6.x, no seccomp filter); the expectation follows Netty's own
    // checks so the order, not the machine, is what is asserted.
    String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
    try (ProxyServer proxy = ProxyServer.start(config(Transport.AUTO))) {
      assertThat(proxy.transport()).isEqualTo(expected);
      String admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
      HttpResponse<String> metrics =
          http.send(get(admin + "/metrics").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .contains("yatagarasu_transport_info{transport=\"" + expected + "\"} 1");

      String base = "http://127.0.0.1:" + proxy.dataAddress().getPort() + "/o/";
      HttpResponse<byte[]> small =
          http.send(get(base + "small.bin").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(small.statusCode()).isEqualTo(200);
      assertThat(small.body()).isEqualTo(TestContent.bytes(0, SMALL_SIZE));
    }
  }

  private static boolean available(Transport transport) {
    return switch (transport) {
      case EPOLL -> Epoll.isAvailable();
      case IO_URING -> IoUring.isAvailable();
      default -> true;
    };
  }

  private static HttpRequest.Builder get(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
  }

  private static ProxyConfig config(Transport transport) {
    BucketConfig bucket =
        new BucketConfig(
            "objects",
            "/o",
            new S3Target(
                "objects",
                "us-east-1",
                store.endpoint(),
                true,
                "",
                new S3Credentials("transport-key", SECRET, null)),
            new AuthConfig(AuthType.PUBLIC));
    return new ProxyConfig(
        new ServerConfig(
            new ListenAddress("127.0.0.1", 0), 16384, 8192, Duration.ofSeconds(60), transport),
        new AdminConfig(new ListenAddress("127.0.0.1", 0)),
        new UpstreamConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), 64),
        new LoggingConfig(LogFormat.JSON, false),
        List.of(bucket));
  }
}
