package io.yatagarasu.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BlackHoleServerTest {

  @Test
  void acceptsConnectionsAndNeverAnswers() throws IOException {
    try (BlackHoleServer hole = BlackHoleServer.start();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), hole.port())) {
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout(300);
      InputStream in = socket.getInputStream();

      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void closeDropsAcceptedConnections() throws IOException {
    BlackHoleServer hole = BlackHoleServer.start();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), hole.port())) {
      socket.setSoTimeout(5_000);
      await().atMost(Duration.ofSeconds(5)).until(() -> hole.acceptedConnections() == 1);

      hole.close();

      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void portIsFreeAfterClose() {
    BlackHoleServer hole = BlackHoleServer.start();
    int port = hole.port();

    hole.close();

    assertThat(FreePorts.isFree(port)).isTrue();
  }
}
