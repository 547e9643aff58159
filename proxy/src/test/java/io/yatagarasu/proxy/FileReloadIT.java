package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.FreePorts;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The standalone file reload: edits, renames, Kubernetes symlink swaps, SIGHUP, broken files. */
class FileReloadIT {
  private static S3ProxyServer store;
  private static HttpClient http;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @TempDir Path dir;
  private ProxyServer proxy;
  private ConfigFileWatcher watcher;

  @BeforeAll
  static void startStore() {
    store = S3ProxyServer.start("reload-key", "reload-secret-0123456789");
    store.createBucket("files");
    store.putObject("files", "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(ConfigFileWatcher.class)).addAppender(LOGS);
  }

  @AfterAll
  static void stopStore() {
    store.close();
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  private static String yaml(String prefix) {
    return "server: { listen: 127.0.0.1:0 }\n"
        + "admin: { listen: 127.0.0.1:0 }\n"
        + "buckets:\n"
        + "  - name: files\n"
        + "    pathPrefix: "
        + prefix
        + "\n    s3: { bucket: files, region: us-east-1, endpoint: \""
        + store.endpoint()
        + "\", credentials: { accessKeyId: reload-key, secretAccessKey: reload-secret-0123456789 } }\n"
        + "    auth: { type: public }\n";
  }

  /** Starts an in-process proxy from {@code file} with the file watch, as ProxyMain does. */
  private void startFrom(Path file) throws Exception {
    startFrom(file, Environment.system(), Duration.ofMillis(100));
  }

  private void startFrom(Path file, Environment environment, Duration debounce) throws Exception {
    proxy = ProxyServer.start(new ConfigParser(environment).loadDocument(file), "file");
    watcher = new ConfigFileWatcher(file, proxy.snapshots(), environment, debounce);
  }

  /** The kubelet's layout of a mounted Secret: NAME -> ..data/NAME, ..data -> ..VERSION. */
  private static void mountLikeTheKubelet(Path directory, String name, String content, int version)
      throws Exception {
    Path data = Files.createDirectory(directory.resolve("..2026_" + version));
    Files.writeString(data.resolve(name), content);
    Path link = directory.resolve("..data");
    if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Path tmpLink = Files.createSymbolicLink(directory.resolve("..data_tmp"), data.getFileName());
      Files.move(
          tmpLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.createSymbolicLink(link, data.getFileName());
      Files.createSymbolicLink(directory.resolve(name), Path.of("..data", name));
    }
  }

  private int status(String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.dataAddress().getPort() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private void awaitServing(String path) {
    await().atMost(Duration.ofSeconds(10)).until(() -> status(path) == 200);
  }

  @Test
  void reloadsAFileEditedInPlace() throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, yaml("/v1"));
    startFrom(file);
    assertThat(status("/v1/a.txt")).isEqualTo(200);
    Files.writeString(file, yaml("/v2"));
    awaitServing("/v2/a.txt");
    assertThat(status("/v1/a.txt")).isEqualTo(404);
    assertThat(proxy.snapshot().generation()).isEqualTo(2);
  }

  @Test
  void loadsAgainAFileThatChangedWhileItWasRead() throws Exception {
    // The file a reload reads changes under it (an editor saving twice, a second deploy step):
    // the bytes read are applied, and the change that came meanwhile is loaded after them.
    Path prefixFile = dir.resolve("prefix");
    Files.writeString(prefixFile, "/first");
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, yaml("${file:" + prefixFile + "}"));
    java.util.concurrent.atomic.AtomicBoolean changeWhileRead =
        new java.util.concurrent.atomic.AtomicBoolean();
    Environment system = Environment.system();
    Environment racing =
        new Environment() {
          @Override
          public java.util.Optional<String> variable(String name) {
            return system.variable(name);
          }

          @Override
          public String readFile(Path path) throws java.io.IOException {
            String content = system.readFile(path);
            if (path.equals(prefixFile) && changeWhileRead.compareAndSet(true, false)) {
              Files.writeString(prefixFile, "/third");
            }
            return content;
          }
        };
    startFrom(file, racing, Duration.ofMillis(100));
    assertThat(status("/first/a.txt")).isEqualTo(200);
    changeWhileRead.set(true);
    Files.writeString(prefixFile, "/second");
    awaitServing("/third/a.txt");
    assertThat(status("/second/a.txt")).isEqualTo(404);
  }

  @Test
  void reloadsAFileReplacedByAnAtomicRename() throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, yaml("/v1"));
    startFrom(file);
    Path next = dir.resolve("proxy.yaml.tmp");
    Files.writeString(next, yaml("/renamed"));
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    awaitServing("/renamed/a.txt");
  }

  @Test
  void reloadsAKubernetesStyleSymlinkSwap() throws Exception {
    // The kubelet's layout: proxy.yaml -> ..data/proxy.yaml, ..data -> ..2026_1; an update
    // writes ..2026_2 and renames a new ..data link over the old one.
    Path first = Files.createDirectory(dir.resolve("..2026_1"));
    Files.writeString(first.resolve("proxy.yaml"), yaml("/v1"));
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path file = dir.resolve("proxy.yaml");
    Files.createSymbolicLink(file, Path.of("..data", "proxy.yaml"));
    startFrom(file);
    assertThat(status("/v1/a.txt")).isEqualTo(200);

    Path second = Files.createDirectory(dir.resolve("..2026_2"));
    Files.writeString(second.resolve("proxy.yaml"), yaml("/k8s"));
    Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(
        tmpLink,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    awaitServing("/k8s/a.txt");
  }

  @Test
  void reloadsWhenAFileReadThroughAFileReferenceIsSwappedLikeAMountedSecret() throws Exception {
    // The mounted-Secret case: the configuration reads a value from a Secret mounted elsewhere,
    // and the kubelet swaps its ..data link when the Secret changes. No SIGHUP is sent.
    Path secrets = Files.createDirectory(dir.resolve("secrets"));
    mountLikeTheKubelet(secrets, "prefix", "/before\n", 1);
    Path configDir = Files.createDirectory(dir.resolve("config"));
    Path file = configDir.resolve("proxy.yaml");
    Files.writeString(file, yaml("${file:" + secrets.resolve("prefix") + "}"));
    startFrom(file);
    assertThat(status("/before/a.txt")).isEqualTo(200);
    assertThat(watcher.referencedFiles()).containsExactly(secrets.resolve("prefix"));

    mountLikeTheKubelet(secrets, "prefix", "/after\n", 2);
    awaitServing("/after/a.txt");
    assertThat(status("/before/a.txt")).isEqualTo(404);
    assertThat(proxy.snapshot().generation()).isEqualTo(2);
  }

  @Test
  void reloadsWhenAReferencedFileInTheConfigurationsDirectoryIsEdited() throws Exception {
    Path prefixFile = dir.resolve("prefix.txt");
    Files.writeString(prefixFile, "/before");
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, yaml("${file:" + prefixFile + "}"));
    startFrom(file);
    assertThat(status("/before/a.txt")).isEqualTo(200);
    Files.writeString(prefixFile, "/edited");
    awaitServing("/edited/a.txt");
  }

  @Test
  void sighupReloadsEvenWhileAFileChangeReloadIsPending() throws Exception {
    // A value the watch cannot see (an environment variable read again on reload), and a
    // neighbour file written just before the SIGHUP, as a log in the same directory would be.
    AtomicReference<String> prefix = new AtomicReference<>("/v1");
    Environment environment =
        new Environment() {
          @Override
          public Optional<String> variable(String name) {
            return "PREFIX".equals(name) ? Optional.of(prefix.get()) : Optional.empty();
          }

          @Override
          public String readFile(Path path) throws java.io.IOException {
            return Files.readString(path);
          }
        };
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, yaml("${PREFIX}"));
    startFrom(file, environment, Duration.ofSeconds(1));
    assertThat(status("/v1/a.txt")).isEqualTo(200);

    prefix.set("/v2");
    Files.writeString(
        dir.resolve("neighbour.txt"),
        "x\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    await().atMost(Duration.ofSeconds(10)).until(watcher::reloadPending);
    watcher.requestReload("SIGHUP");
    awaitServing("/v2/a.txt");
    List<String> lines = new ArrayList<>();
    synchronized (LOGS) {
      LOGS.list.forEach(e -> lines.add(e.getFormattedMessage()));
    }
    assertThat(lines).anyMatch(l -> l.contains("reason=SIGHUP") && l.contains("result=applied"));
  }

  @Test
  void aBrokenFileLeavesTheOldConfigurationServing() throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, yaml("/v1"));
    startFrom(file);
    String hash = proxy.snapshot().hash();
    Files.writeString(file, yaml("/v1").replace("region: us-east-1", "region: \"\"") + "oops: 1\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                proxy
                    .metrics()
                    .scrape()
                    .contains(
                        "yatagarasu_config_applies_total{result=\"rejected\",source=\"file\"} 1.0"));
    assertThat(proxy.snapshot().hash()).isEqualTo(hash);
    assertThat(status("/v1/a.txt")).isEqualTo(200);
    List<String> lines = new ArrayList<>();
    synchronized (LOGS) {
      LOGS.list.forEach(e -> lines.add(e.getFormattedMessage()));
    }
    assertThat(lines)
        .anyMatch(
            l ->
                l.contains("configuration reload failed")
                    && l.contains("buckets[0].s3.region: must not be empty")
                    && l.contains("oops: unknown key"));
    assertThat(lines).noneMatch(l -> l.contains("reload-secret-0123456789"));
  }

  /**
   * Whether this process ignores SIGHUP (started under {@code nohup}): its children inherit that,
   * and a JVM does not take over a signal that it was started ignoring.
   */
  private static boolean sighupIgnored() throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    return Files.readAllLines(status).stream()
        .filter(l -> l.startsWith("SigIgn:"))
        .map(l -> Long.parseUnsignedLong(l.substring("SigIgn:".length()).trim(), 16))
        .anyMatch(mask -> (mask & 1L) != 0); // bit 0: signal 1, SIGHUP
  }

  @Test
  void sighupReloadsTheStandaloneProxy() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        sighupIgnored(), "SIGHUP is ignored by this process (nohup): a child JVM cannot take it");
    // The prefix comes from a file in another directory (watched too); the SIGHUP reload is told
    // apart by its reason in the log.
    Path secrets = Files.createDirectory(dir.resolve("secrets"));
    Path prefixFile = secrets.resolve("prefix");
    Files.writeString(prefixFile, "/before");
    Path configDir = Files.createDirectory(dir.resolve("config"));
    Path file = configDir.resolve("proxy.yaml");
    int port = FreePorts.find();
    int adminPort = FreePorts.find();
    Files.writeString(
        file,
        yaml("${file:" + prefixFile + "}")
            .replace(
                "server: { listen: 127.0.0.1:0 }", "server: { listen: 127.0.0.1:" + port + " }")
            .replace(
                "admin: { listen: 127.0.0.1:0 }",
                "admin: { listen: 127.0.0.1:" + adminPort + " }"));
    try (ShippedProxy jar =
        ShippedProxy.builder(file, dir.resolve("proxy.log")).jvmOptions("-Xmx64m").start()) {
      String base = "http://127.0.0.1:" + port;
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> get(base + "/before/a.txt") == 200);
      Files.writeString(prefixFile, "/after");
      jar.signal("HUP");
      await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/after/a.txt") == 200);
      assertThat(get(base + "/before/a.txt")).isEqualTo(404);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(jar.log()).contains("reason=SIGHUP"));
      assertThat(jar.isAlive()).isTrue();
      jar.signal("TERM");
      assertThat(jar.waitFor(Duration.ofSeconds(15))).isTrue();
    }
  }

  private static int get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @BeforeEach
  void clearLogs() {
    synchronized (LOGS) {
      LOGS.list.clear();
    }
  }
}
