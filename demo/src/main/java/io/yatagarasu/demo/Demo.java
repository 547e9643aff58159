package io.yatagarasu.demo;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.proxy.ProxyServer;
import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Two seeded s3proxy stores with different credentials and a proxy in front of them. Everything it
 * starts is tracked as it starts, so {@link #close()} (from a shutdown hook, even halfway through
 * {@link #start}) stops all of it.
 */
final class Demo implements AutoCloseable {

  static final String PUBLIC_ACCESS_KEY = "demo-public-access-key";
  static final String PUBLIC_SECRET_KEY = "demo-public-secret-key";
  static final String REPORTS_ACCESS_KEY = "demo-reports-access-key";
  static final String REPORTS_SECRET_KEY = "demo-reports-secret-key";

  private final PrintStream out;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private boolean closed;
  private S3ProxyServer publicStore;
  private S3ProxyServer reportsStore;
  private Path configFile;
  private ProxyServer proxy;
  private String helloEtag;

  Demo(PrintStream out) {
    this.out = requireNonNull(out, "out");
  }

  /**
   * Starts the stores, seeds them, writes the configuration, and starts the proxy from it.
   *
   * @throws ConfigException if the written configuration is rejected by the config module
   */
  void start(DemoOptions options, Path s3proxyJar) throws Exception {
    out.println("Starting two local S3 stores (s3proxy, " + s3proxyJar + ") ...");
    publicStore = track(S3ProxyServer.start(PUBLIC_ACCESS_KEY, PUBLIC_SECRET_KEY, s3proxyJar));
    reportsStore = track(S3ProxyServer.start(REPORTS_ACCESS_KEY, REPORTS_SECRET_KEY, s3proxyJar));
    helloEtag = SampleData.seedPublic(publicStore);
    SampleData.seedReports(reportsStore);
    out.println(
        "  store 1: "
            + publicStore.endpoint()
            + "  bucket "
            + SampleData.PUBLIC_BUCKET
            + "   access key "
            + publicStore.accessKey());
    out.println(
        "  store 2: "
            + reportsStore.endpoint()
            + "  bucket "
            + SampleData.REPORTS_BUCKET
            + "  access key "
            + reportsStore.accessKey());

    int port = choosePort("data", options.port());
    int adminPort = choosePort("admin", options.adminPort());
    Path configDir = Files.createTempDirectory("yatagarasu-demo-");
    track(() -> deleteConfig(configDir));
    configFile = configDir.resolve("yatagarasu.yaml");
    Files.writeString(
        configFile,
        DemoConfig.yaml(
            port,
            adminPort,
            List.of(
                DemoConfig.Route.to(
                    "public", DemoConfig.PUBLIC_PREFIX, SampleData.PUBLIC_BUCKET, publicStore),
                DemoConfig.Route.to(
                    "reports",
                    DemoConfig.REPORTS_PREFIX,
                    SampleData.REPORTS_BUCKET,
                    reportsStore))),
        StandardCharsets.UTF_8);
    out.println("Proxy configuration: " + configFile);

    ProxyConfig config = new ConfigParser(Environment.system()).load(configFile);
    proxy = track(ProxyServer.start(config));
  }

  InetSocketAddress dataAddress() {
    return proxy.dataAddress();
  }

  InetSocketAddress adminAddress() {
    return proxy.adminAddress();
  }

  Path configFile() {
    return configFile;
  }

  /** The requests worth trying against the running demo. */
  List<CurlExample> examples() {
    String hello = DemoConfig.PUBLIC_PREFIX + "/" + SampleData.HELLO_KEY;
    return List.of(
        CurlExample.get("an object, with its S3 headers and x-amz-meta-* metadata", hello, 200),
        new CurlExample(
            "the first 100 bytes of an 8 MiB object (206 Partial Content)",
            false,
            false,
            DemoConfig.PUBLIC_PREFIX + "/" + SampleData.BIG_KEY,
            Map.of("Range", "bytes=0-99"),
            206),
        new CurlExample(
            "headers only (HEAD)",
            false,
            true,
            DemoConfig.PUBLIC_PREFIX + "/" + SampleData.INDEX_KEY,
            Map.of(),
            200),
        CurlExample.get(
            "a key that does not exist (404, JSON error body)",
            DemoConfig.PUBLIC_PREFIX + "/no-such-key.txt",
            404),
        new CurlExample(
            "a conditional request with the object's ETag (304 Not Modified)",
            false,
            false,
            hello,
            Map.of("If-None-Match", helloEtag),
            304),
        CurlExample.get(
            "a key with spaces and a non-ASCII letter, percent-encoded",
            DemoConfig.PUBLIC_PREFIX + "/" + CurlExample.encodeKey(SampleData.UNICODE_KEY),
            200),
        CurlExample.get(
            "the second route, served from the other store with other credentials",
            DemoConfig.REPORTS_PREFIX + "/" + SampleData.REPORT_KEY,
            200),
        new CurlExample("liveness (admin listener)", true, false, "/health", Map.of(), 200),
        new CurlExample("readiness (admin listener)", true, false, "/ready", Map.of(), 200));
  }

  /** Stops the proxy, then both stores, and deletes the written configuration. */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = List.copyOf(resources);
      resources.clear();
    }
    for (AutoCloseable resource : toClose) {
      try {
        resource.close();
      } catch (Exception e) {
        out.println("while stopping: " + e);
      }
    }
  }

  /** Keeps {@code resource} for {@link #close()}; closes it at once if the demo is stopping. */
  private <T extends AutoCloseable> T track(T resource) throws Exception {
    synchronized (this) {
      if (!closed) {
        resources.addFirst(resource);
        return resource;
      }
    }
    resource.close();
    throw new IllegalStateException("the demo is stopping");
  }

  private int choosePort(String listener, int requested) {
    if (requested == 0 || FreePorts.isFree(requested)) {
      return requested;
    }
    out.println(
        "  port "
            + requested
            + " is busy; the "
            + listener
            + " listener takes a free port instead");
    return 0;
  }

  private static void deleteConfig(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve("yatagarasu.yaml"));
    Files.deleteIfExists(dir);
  }
}
