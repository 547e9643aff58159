package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --probe URL} against a real HTTP listener on a loopback port. */
class ProbeTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private HttpServer server;

  @BeforeEach
  void startListener() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ready", exchange -> answer(exchange, 200, "ready"));
    server.createContext("/draining", exchange -> answer(exchange, 503, "not ready"));
    server.createContext(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/ready");
          answer(exchange, 302, "");
        });
    server.start();
  }

  @AfterEach
  void stopListener() {
    server.stop(0);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var stream = exchange.getResponseBody()) {
      stream.write(bytes);
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private int probe(String... args) throws Exception {
    return ProxyMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void exitsZeroOnA200() throws Exception {
    assertThat(probe("--probe", url("/ready"))).isEqualTo(Probe.EXIT_HEALTHY);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void exitsOneOnA503AndNamesTheStatus() throws Exception {
    assertThat(probe("--probe", url("/draining"))).isEqualTo(Probe.EXIT_UNHEALTHY);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("status 503");
  }

  @Test
  void exitsOneOnARedirectWithoutFollowingIt() throws Exception {
    assertThat(probe("--probe", url("/moved"))).isEqualTo(Probe.EXIT_UNHEALTHY);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("status 302");
  }

  @Test
  void exitsOneWhenNothingListens() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    assertThat(probe("--probe", "http://127.0.0.1:" + closedPort + "/ready"))
        .isEqualTo(Probe.EXIT_UNHEALTHY);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("ConnectException");
  }

  @Test
  void exitsOneWhenTheListenerNeverAnswers() throws Exception {
    // A socket whose backlog accepts the connection but no one reads the request.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String silentUrl = "http://127.0.0.1:" + silent.getLocalPort() + "/ready";
      assertThat(Probe.run(silentUrl, Duration.ofMillis(300), new PrintStream(err, true)))
          .isEqualTo(Probe.EXIT_UNHEALTHY);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("SocketTimeoutException");
  }

  @Test
  void refusesAUrlThatIsNotHttp() throws Exception {
    assertThat(probe("--probe", "file:///etc/passwd")).isEqualTo(Probe.EXIT_UNHEALTHY);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected an http:// or https://");
  }

  @Test
  void needsAUrl() throws Exception {
    assertThat(probe("--probe")).isEqualTo(ProxyMain.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--probe needs a URL");
  }
}
