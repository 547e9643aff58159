package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.pipeline.LingeringClose;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answer given from a request's head while the client is still sending the body (413, 401, 405)
 * reaches the client whole: the proxy closes lingering, reading and dropping the rest of the body,
 * instead of resetting the connection under the client's feet. Each client here sends a body far
 * larger than the listener reads, slowly, and only then reads the answer, on both listeners.
 */
class LingeringCloseIT {
  private static final String TOKEN = "lingering-token-abcdefghijklmnop";
  private static final int BODY = 512 * 1024;
  private static final int CHUNK = 8 * 1024;

  @TempDir static Path dir;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    // No request here goes upstream: every one is answered from its head.
    String yaml =
        "server: { listen: 127.0.0.1:0 }\n"
            + "admin: { listen: 127.0.0.1:0, tokenFile: \""
            + tokenFile
            + "\", maxBodyBytes: 65536 }\n"
            + "buckets:\n"
            + "  - name: files\n"
            + "    pathPrefix: /files\n"
            + "    s3: { bucket: files, region: us-east-1, endpoint: \"http://127.0.0.1:9\","
            + " credentials: { accessKeyId: k, secretAccessKey: s } }\n"
            + "    auth: { type: public }\n";
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private static int admin() {
    return proxy.adminAddress().getPort();
  }

  private static int data() {
    return proxy.dataAddress().getPort();
  }

  /**
   * Sends {@code head}, then {@link #BODY} bytes in small paced writes (a slow uploader), and only
   * then reads the answer. Every write must succeed: a reset would fail one.
   */
  private static RawHttp.Answer slowUpload(int port, String head, boolean chunked)
      throws IOException {
    try (RawHttp client = new RawHttp(port, 10_000)) {
      client.send(head);
      byte[] chunk = new byte[CHUNK];
      Arrays.fill(chunk, (byte) 'a');
      for (int sent = 0; sent < BODY; sent += CHUNK) {
        if (chunked) {
          client.send(Integer.toHexString(CHUNK) + "\r\n");
          client.send(chunk);
          client.send("\r\n");
        } else {
          client.send(chunk);
        }
        // The pace of a slow client, so the answer is written while the body is still coming.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
      if (chunked) {
        client.send("0\r\n\r\n");
      }
      RawHttp.Answer answer = client.answer();
      assertThat(answer.closes()).as("the answer says the connection closes").isTrue();
      assertThat(client.closedWithoutAnswer()).as("then the proxy closes").isTrue();
      return answer;
    }
  }

  private static String head(String method, String target, String... headers) {
    StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    b.append("Host: proxy.test\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  @Test
  void anAdminBodyOverTheLimitSentSlowlyStillGetsTheWhole413() throws Exception {
    RawHttp.Answer answer =
        slowUpload(
            admin(),
            head(
                "PUT",
                "/admin/config",
                "Authorization: Bearer " + TOKEN,
                "Content-Type: application/json",
                "Content-Length: " + BODY),
            false);
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.text()).contains("too large");
  }

  @Test
  void anUnauthorisedAdminUploadSentSlowlyStillGetsTheWhole401() throws Exception {
    RawHttp.Answer answer =
        slowUpload(admin(), head("PUT", "/admin/config", "Content-Length: " + BODY), false);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void anAdminUploadOutsideTheApiSentSlowlyStillGetsTheWhole413() throws Exception {
    RawHttp.Answer answer =
        slowUpload(
            admin(), head("POST", "/metrics", "Transfer-Encoding: chunked"), /* chunked */ true);
    assertThat(answer.status()).isEqualTo(413);
  }

  @Test
  void aPutWithABodyOnTheDataListenerStillGetsTheWhole405() throws Exception {
    RawHttp.Answer answer =
        slowUpload(data(), head("PUT", "/files/new.bin", "Content-Length: " + BODY), false);
    assertThat(answer.status()).isEqualTo(405);
    assertThat(answer.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(answer.text()).contains("\"requestId\"");
  }

  @Test
  void aGetDeclaringABodyOverTheLimitStillGetsTheWhole413() throws Exception {
    RawHttp.Answer answer =
        slowUpload(data(), head("GET", "/files/a.txt", "Content-Length: " + BODY), false);
    assertThat(answer.status()).isEqualTo(413);
  }

  @Test
  void aGetWhoseChunkedBodyOutgrowsTheLimitStillGetsTheWhole413() throws Exception {
    RawHttp.Answer answer =
        slowUpload(data(), head("GET", "/files/a.txt", "Transfer-Encoding: chunked"), true);
    assertThat(answer.status()).isEqualTo(413);
  }

  @Test
  void aClientThatNeverStopsSendingIsCutOffAfterTheDrainBound() throws Exception {
    try (RawHttp client = new RawHttp(data(), 10_000)) {
      client.send(head("PUT", "/files/new.bin", "Content-Length: 1000000000"));
      byte[] chunk = new byte[64 * 1024];
      long sent = 0;
      boolean cut = false;
      long limit = 64L * LingeringClose.MAX_BYTES;
      // Loopback is fast: the byte bound ends the connection long before the time bound.
      while (sent < limit) {
        try {
          client.send(chunk);
          sent += chunk.length;
        } catch (IOException e) {
          cut = true;
          break;
        }
      }
      assertThat(cut).as("the proxy stopped reading after " + sent + " bytes").isTrue();
    }
  }

  @Test
  void aClientThatKeepsTheConnectionOpenIsClosedAfterTheDrainTime() throws Exception {
    try (RawHttp client = new RawHttp(data(), 10_000)) {
      client.send(head("PUT", "/files/new.bin", "Content-Length: " + BODY));
      assertThat(client.answer().status()).isEqualTo(405);
      // The proxy half-closed; it still reads (and drops) a trickle until its drain time is up.
      client.send("a");
      await()
          .atMost(LingeringClose.TIME.plus(Duration.ofSeconds(10)))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                try {
                  client.send("a".getBytes(StandardCharsets.US_ASCII));
                  return false;
                } catch (IOException reset) {
                  return true;
                }
              });
    }
  }
}
