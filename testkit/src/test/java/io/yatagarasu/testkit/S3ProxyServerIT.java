package io.yatagarasu.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ProxyServerIT {

  private static S3ProxyServer server;

  @BeforeAll
  static void startServer() {
    server = S3ProxyServer.start("it-access-key", "it-secret-key");
    server.createBucket("it-bucket");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void servesAnObjectPutWithItsIdentity() {
    PutObjectResponse put =
        server.putObject(
            "it-bucket",
            "hello.txt",
            "hello".getBytes(StandardCharsets.UTF_8),
            "text/plain",
            Map.of("colour", "blue"));

    ResponseBytes<GetObjectResponse> got =
        server.client().getObjectAsBytes(b -> b.bucket("it-bucket").key("hello.txt"));

    assertThat(got.asUtf8String()).isEqualTo("hello");
    assertThat(got.response().contentType()).isEqualTo("text/plain");
    assertThat(got.response().metadata()).containsEntry("colour", "blue");
    assertThat(got.response().eTag()).isEqualTo(put.eTag());
  }

  @Test
  void keepsTheStandardHeadersOfAnObject() {
    Instant expires = Instant.parse("2030-01-01T00:00:00Z");
    server.putObject(
        "it-bucket",
        "page.html",
        "<p>hi</p>".getBytes(StandardCharsets.UTF_8),
        b ->
            b.contentType("text/html")
                .cacheControl("max-age=60")
                .contentDisposition("inline; filename=\"page.html\"")
                .contentEncoding("identity")
                .contentLanguage("en")
                .expires(expires));

    HeadObjectResponse head =
        server.client().headObject(b -> b.bucket("it-bucket").key("page.html"));

    assertThat(head.contentType()).isEqualTo("text/html");
    assertThat(head.cacheControl()).isEqualTo("max-age=60");
    assertThat(head.contentDisposition()).isEqualTo("inline; filename=\"page.html\"");
    assertThat(head.contentEncoding()).isEqualTo("identity");
    assertThat(head.contentLanguage()).isEqualTo("en");
    assertThat(head.expiresString()).isEqualTo("Tue, 01 Jan 2030 00:00:00 GMT");
  }

  @Test
  void rejectsAWrongSecretWithSignatureDoesNotMatch() {
    try (S3Client wrong = server.client(server.accessKey(), "not-the-secret")) {
      assertThatThrownBy(() -> wrong.listBuckets())
          .isInstanceOfSatisfying(
              S3Exception.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
              });
    }
  }

  @Test
  void runsTwoInstancesWithDifferentCredentialsAtOnce() {
    try (S3ProxyServer other = S3ProxyServer.start("other-access-key", "other-secret-key")) {
      other.createBucket("other-bucket");
      other.putObject(
          "other-bucket", "k", "other".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());

      assertThat(other.endpoint()).isNotEqualTo(server.endpoint());
      assertThat(
              other
                  .client()
                  .getObjectAsBytes(b -> b.bucket("other-bucket").key("k"))
                  .asUtf8String())
          .isEqualTo("other");
      assertThat(server.client().listBuckets().buckets())
          .extracting(b -> b.name())
          .doesNotContain("other-bucket");
      try (S3Client crossed = other.client(server.accessKey(), server.secretKey())) {
        assertThatThrownBy(() -> crossed.listBuckets())
            .isInstanceOfSatisfying(
                S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
      }
    }
  }

  @Test
  void roundTripsAGibibyteOfGeneratedContent() throws IOException {
    long size = (1L << 30) + 3;

    server.putGeneratedObject("it-bucket", "big.bin", size);

    try (ResponseInputStream<GetObjectResponse> in =
        server.client().getObject(b -> b.bucket("it-bucket").key("big.bin"))) {
      assertThat(in.response().contentLength()).isEqualTo(size);
      TestContent.verify(in, 0, size);
    }
  }

  @Test
  void servesARangeOfGeneratedContent() throws IOException {
    server.putGeneratedObject("it-bucket", "medium.bin", 1_000_000);

    try (ResponseInputStream<GetObjectResponse> in =
        server
            .client()
            .getObject(b -> b.bucket("it-bucket").key("medium.bin").range("bytes=1000-1999"))) {
      TestContent.verify(in, 1_000, 1_000);
    }
  }

  @Test
  void refusesConnectionsWhileStoppedAndServesTheSameObjectsAfterRestart() {
    try (S3ProxyServer flaky = S3ProxyServer.start("flaky-access-key", "flaky-secret-key")) {
      flaky.createBucket("flaky-bucket");
      flaky.putObject(
          "flaky-bucket", "k", "kept".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());

      flaky.stop();

      assertThat(flaky.isAlive()).isFalse();
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), flaky.port()).close())
          .isInstanceOf(ConnectException.class);

      flaky.restart();

      assertThat(flaky.isAlive()).isTrue();
      assertThat(
              flaky
                  .client()
                  .getObjectAsBytes(b -> b.bucket("flaky-bucket").key("k"))
                  .asUtf8String())
          .isEqualTo("kept");
    }
  }

  @Test
  void aServerLeftOpenIsStoppedAndDeletedWhenItsJvmExits() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LeftOpenMain.class.getName(),
                S3ProxyServer.defaultJar().toAbsolutePath().toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

    int port = Integer.parseInt(line(output, "port="));
    Path dir = Path.of(line(output, "dir="));
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(Files.exists(dir)).isFalse();
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void closeStopsTheProcessAndDeletesItsFiles() {
    S3ProxyServer closing = S3ProxyServer.start("closing-access-key", "closing-secret-key");
    Path dir = closing.logFile().getParent();
    ProcessHandle[] before = ProcessHandle.current().children().toArray(ProcessHandle[]::new);

    closing.close();

    assertThat(closing.isAlive()).isFalse();
    assertThat(Files.exists(dir)).isFalse();
    assertThat(ProcessHandle.current().children().count()).isEqualTo(before.length - 1);
  }

  private static String line(String output, String prefix) {
    return output
        .lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " line in:\n" + output));
  }
}
