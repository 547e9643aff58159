package io.yatagarasu.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultyS3ServerTest {

  /** Sends {@code request} and reads one answer: its head, then its Content-Length bytes. */
  private static String exchange(Socket socket, String request) throws IOException {
    socket.setSoTimeout(5_000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return answer.toString(StandardCharsets.ISO_8859_1);
      }
      answer.write(b);
    }
    String head = answer.toString(StandardCharsets.ISO_8859_1);
    int at = head.indexOf("Content-Length: ");
    int length = at < 0 ? 0 : Integer.parseInt(head.substring(at + 16, head.indexOf('\r', at)));
    answer.write(in.readNBytes(length));
    return answer.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void servesStoredObjectsOnKeepAliveConnectionsAndCountsRequests() throws IOException {
    try (FaultyS3Server s3 = FaultyS3Server.start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), s3.port())) {
      s3.putObject("/b/k", "hello".getBytes(StandardCharsets.US_ASCII));
      String head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n";
      String first = exchange(socket, "GET /b/k?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
      assertThat(first)
          .startsWith(head)
          .contains("Content-Length: 5\r\n")
          .endsWith("\r\n\r\nhello");
      String missing = exchange(socket, "GET /b/none HTTP/1.1\r\nHost: h\r\n\r\n");
      assertThat(missing).startsWith("HTTP/1.1 404").contains("<Code>NoSuchKey</Code>");
      assertThat(s3.requests("/b/k")).isEqualTo(1);
      assertThat(s3.requests("/b/none")).isEqualTo(1);
      assertThat(s3.connections()).isEqualTo(1);
    }
  }

  @Test
  void playsTheScriptedFaultForItsPathOnly() throws IOException {
    try (FaultyS3Server s3 = FaultyS3Server.start()) {
      s3.putObject("/b/ok", "fine".getBytes(StandardCharsets.US_ASCII));
      s3.fault("/b/bad", FaultyS3Server.raw("HTTP/1.1 2OO OK\r\n\r\n"));
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s3.port())) {
        socket.setSoTimeout(5_000);
        assertThat(exchange(socket, "GET /b/bad HTTP/1.1\r\n\r\n"))
            .isEqualTo("HTTP/1.1 2OO OK\r\n\r\n");
        assertThat(exchange(socket, "GET /b/ok HTTP/1.1\r\n\r\n")).endsWith("fine");
      }
      s3.fault("/b/ok", FaultyS3Server.reset());
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s3.port())) {
        socket.setSoTimeout(5_000);
        try {
          assertThat(exchange(socket, "GET /b/ok HTTP/1.1\r\n\r\n")).isEmpty();
        } catch (java.net.SocketException reset) {
          // The reset reached the read: what the fault is for.
        }
      }
      s3.clearFault("/b/ok");
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s3.port())) {
        socket.setSoTimeout(5_000);
        assertThat(exchange(socket, "GET /b/ok HTTP/1.1\r\n\r\n")).endsWith("fine");
      }
    }
  }

  @Test
  void closeEndsStallsAndConnections() throws IOException {
    FaultyS3Server s3 = FaultyS3Server.start();
    s3.fault("/b/stall", FaultyS3Server.stallBeforeHead());
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s3.port())) {
      socket
          .getOutputStream()
          .write("GET /b/stall HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(5)).until(() -> s3.requests("/b/stall") == 1);
      assertThat(s3.openConnections()).isEqualTo(1);
      s3.close();
      socket.setSoTimeout(5_000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }
}
