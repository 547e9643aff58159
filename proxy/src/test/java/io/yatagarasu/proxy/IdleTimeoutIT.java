package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An idle keep-alive client connection is closed at {@code server.idleTimeout}. */
class IdleTimeoutIT {
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    proxy =
        ProxyServer.start(
            new ConfigParser(Environment.of(Map.of()))
                .parseYaml(
                    "server: { listen: 127.0.0.1:0, idleTimeout: 1s }\n"
                        + "admin: { listen: 127.0.0.1:0 }\nbuckets: []\n"));
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @Test
  void closesAnIdleKeepAliveConnectionAtItsTimeout() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", proxy.dataAddress().getPort()), 5_000);
      socket.setSoTimeout(10_000);
      long sent = System.nanoTime();
      socket
          .getOutputStream()
          .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] head = new byte[12];
      assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      // Read the rest of the answer, then wait for the proxy to close the idle connection.
      while (in.read() >= 0) {
        // drain until the close
      }
      // The connection was last active when the answer went out, just after the request.
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertThat(millis).as("not before the idle timeout").isGreaterThanOrEqualTo(950L);
    }
  }
}
