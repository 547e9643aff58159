package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.yatagarasu.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar under a seccomp filter that refuses io_uring's system calls with EPERM, as the
 * default profiles of containerd 2.0+ and Docker 25+ do: {@code auto} falls back to epoll by itself
 * and says why, while an explicit {@code io_uring} stops the proxy at start. The filter is
 * installed by libseccomp's Python binding (Debian's {@code python3-seccomp}); without it, or off
 * Linux, the tests are skipped.
 */
class TransportSeccompIT {
  private static final String PYTHON = "/usr/bin/python3";

  /**
   * Installs the filter named by its first argument, then runs the rest: {@code refuse} answers
   * every io_uring call with EPERM; {@code tiny} lets only one-entry rings be set up and answers
   * larger ones with ENOMEM, as a small {@code RLIMIT_MEMLOCK} does before Linux 5.12.
   */
  private static final String FILTER =
      """
      import errno, os, sys, seccomp
      f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
      if sys.argv[1] == "refuse":
          for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
              f.add_rule(seccomp.ERRNO(errno.EPERM), name)
      else:
          f.add_rule(seccomp.ERRNO(errno.ENOMEM), "io_uring_setup", seccomp.Arg(0, seccomp.GT, 1))
      f.load()
      os.execv(sys.argv[2], sys.argv[2:])
      """;

  @TempDir static Path dir;
  private static HttpClient http;
  private final List<ShippedProxy> started = new ArrayList<>();

  @BeforeAll
  static void requireSeccomp() throws Exception {
    assumeTrue(
        System.getProperty("os.name").toLowerCase().contains("linux"), "seccomp is Linux only");
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
    Process probe =
        new ProcessBuilder(PYTHON, "-c", "import seccomp").redirectErrorStream(true).start();
    assumeTrue(
        probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "python3-seccomp is not installed");
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stopProxies() {
    started.forEach(ShippedProxy::close);
  }

  @Test
  void autoFallsBackToEpollAndSaysWhyWhereSeccompRefusesIoUring() throws Exception {
    int port = FreePorts.find();
    int adminPort = FreePorts.find();
    Path log = dir.resolve("auto.log");
    startUnderFilter("refuse", "auto", port, adminPort, log)
        .awaitReady(adminPort, Duration.ofSeconds(60));

    assertThat(Files.readString(log))
        .contains(
            "transport=epoll transportFallback=\"io_uring unavailable: failed to create io_uring"
                + " ring fd: Operation not permitted\"");
    assertServesOverEpoll(port, adminPort);
  }

  @Test
  void autoFallsBackToEpollWhenTheProbePassesButTheEventLoopsRingsAreRefused() throws Exception {
    int port = FreePorts.find();
    int adminPort = FreePorts.find();
    Path log = dir.resolve("tiny-auto.log");
    startUnderFilter("tiny", "auto", port, adminPort, log)
        .awaitReady(adminPort, Duration.ofSeconds(60));

    assertThat(Files.readString(log))
        .contains("transport=epoll transportFallback=\"io_uring unavailable: ")
        .contains("Cannot allocate memory");
    assertServesOverEpoll(port, adminPort);
  }

  /** The proxy reports epoll in its metrics and answers a request for an unrouted path. */
  private void assertServesOverEpoll(int port, int adminPort) throws Exception {
    assertThat(get("http://127.0.0.1:" + adminPort + "/metrics").body())
        .contains("yatagarasu_transport_info{transport=\"epoll\"} 1");
    HttpResponse<String> served = get("http://127.0.0.1:" + port + "/nothing/x");
    assertThat(served.statusCode()).isEqualTo(404);
    assertThat(served.body()).contains("NoSuchBucket");
  }

  @Test
  void anExplicitIoUringWhoseEventLoopRingsAreRefusedStopsTheProxy() throws Exception {
    Path log = dir.resolve("tiny.log");
    ShippedProxy proxy =
        startUnderFilter("tiny", "io_uring", FreePorts.find(), FreePorts.find(), log);

    assertThat(proxy.waitFor(Duration.ofSeconds(60))).isTrue();
    assertThat(proxy.exitValue()).isEqualTo(ProxyMain.EXIT_START);
    assertThat(Files.readString(log)).contains("cannot start: ").doesNotContain("proxy started");
  }

  @Test
  void anExplicitIoUringWhereSeccompRefusesItStopsTheProxyNamingTheFieldAndTheCause()
      throws Exception {
    Path log = dir.resolve("explicit.log");
    ShippedProxy proxy =
        startUnderFilter("refuse", "io_uring", FreePorts.find(), FreePorts.find(), log);

    assertThat(proxy.waitFor(Duration.ofSeconds(60))).isTrue();
    assertThat(proxy.exitValue()).isEqualTo(ProxyMain.EXIT_START);
    assertThat(Files.readString(log))
        .contains(
            "cannot start: server.transport: io_uring is not available here: failed to create"
                + " io_uring ring fd: Operation not permitted")
        .doesNotContain("proxy started");
  }

  private ShippedProxy startUnderFilter(
      String filter, String transport, int port, int adminPort, Path log) throws Exception {
    Path config = dir.resolve(filter + "-" + transport + ".yaml");
    Files.writeString(
        config,
        """
        server: { listen: 127.0.0.1:%d, transport: %s, drainDelay: 0s }
        admin: { listen: 127.0.0.1:%d }
        logging: { format: text }
        buckets: []
        """
            .formatted(port, transport, adminPort));
    ShippedProxy proxy =
        ShippedProxy.builder(config, log).commandPrefix(PYTHON, "-c", FILTER, filter).start();
    started.add(proxy);
    return proxy;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
