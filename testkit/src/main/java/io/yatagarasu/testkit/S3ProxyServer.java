package io.yatagarasu.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * A real, SigV4-checking S3 server for tests and the demo: s3proxy run as a separate JVM on a free
 * port of 127.0.0.1, storing objects in a fresh temporary directory, with one identity.
 *
 * <p>The s3proxy jar is never put on a classpath (it carries unshaded AWS SDK classes); it is run
 * with the same {@code java} as the current JVM.
 */
public final class S3ProxyServer implements AutoCloseable {

  /** System property naming the s3proxy jar-with-dependencies; failsafe sets it. */
  public static final String JAR_PROPERTY = "yatagarasu.s3proxy.jar";

  /** The region every instance answers for. */
  public static final String REGION = "us-east-1";

  private static final Logger log = LoggerFactory.getLogger(S3ProxyServer.class);
  private static final Path DEFAULT_JAR = Path.of("target", "s3proxy", "s3proxy.jar");
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  // Every s3proxy process this JVM has started and not yet stopped, and the directories of servers
  // not yet closed. One shutdown hook stops and deletes them all, so a test JVM that exits without
  // close() (or is interrupted while a server starts) leaves nothing running and nothing behind.
  private static final Set<Process> running = ConcurrentHashMap.newKeySet();
  private static final Set<Path> openDirs = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  List.copyOf(running).forEach(S3ProxyServer::destroyTree);
                  List.copyOf(openDirs).forEach(S3ProxyServer::deleteRecursively);
                },
                "yatagarasu-s3proxy-cleanup"));
  }

  private final Path jar;
  private final Path workDir;
  private final Path propertiesFile;
  private final Path logFile;
  private final int port;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final S3Client client;
  private volatile Process process;
  private volatile boolean closed;

  private S3ProxyServer(
      Path jar,
      Path workDir,
      Path propertiesFile,
      Path logFile,
      int port,
      String accessKey,
      String secretKey,
      Process process) {
    this.jar = jar;
    this.workDir = workDir;
    this.propertiesFile = propertiesFile;
    this.logFile = logFile;
    this.port = port;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.process = process;
    this.client = newClient(endpoint, accessKey, secretKey);
  }

  /**
   * Starts s3proxy from the jar named by the system property {@value #JAR_PROPERTY}, or {@code
   * target/s3proxy/s3proxy.jar} when it is not set, and waits until it answers HTTP.
   */
  public static S3ProxyServer start(String accessKey, String secretKey) {
    return start(accessKey, secretKey, defaultJar());
  }

  /** Starts s3proxy from {@code s3proxyJar} and waits until it answers HTTP. */
  public static S3ProxyServer start(String accessKey, String secretKey, Path s3proxyJar) {
    requireNonNull(accessKey, "accessKey");
    requireNonNull(secretKey, "secretKey");
    requireNonNull(s3proxyJar, "s3proxyJar");
    if (accessKey.isEmpty() || secretKey.isEmpty()) {
      throw new IllegalArgumentException("accessKey and secretKey must not be empty");
    }
    Path jar = s3proxyJar.toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "s3proxy jar not found at "
              + jar
              + " (set -D"
              + JAR_PROPERTY
              + "=PATH, or build the module so that its copy-s3proxy execution puts it there)");
    }
    Path workDir = createTempDirectory();
    openDirs.add(workDir);
    boolean started = false;
    try {
      Path dataDir = Files.createDirectory(workDir.resolve("data"));
      Path propertiesFile = workDir.resolve("s3proxy.properties");
      Path logFile = workDir.resolve("s3proxy.log");
      for (int attempt = 1; ; attempt++) {
        int port = FreePorts.find();
        writeProperties(propertiesFile, port, accessKey, secretKey, dataDir);
        Process process = launch(jar, propertiesFile, logFile);
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        String failure = awaitAnswering(process, endpoint);
        if (failure == null) {
          S3ProxyServer server;
          try {
            server =
                new S3ProxyServer(
                    jar, workDir, propertiesFile, logFile, port, accessKey, secretKey, process);
          } catch (RuntimeException e) {
            destroyTree(process);
            throw e;
          }
          started = true;
          log.debug("s3proxy started endpoint={} log={}", endpoint, logFile);
          return server;
        }
        destroyTree(process);
        String tail = tail(logFile);
        if (attempt < START_ATTEMPTS && tail.contains("Address already in use")) {
          log.debug("s3proxy port taken, retrying port={} attempt={}", port, attempt);
          continue;
        }
        throw new IllegalStateException(
            "s3proxy at "
                + endpoint
                + " "
                + failure
                + "; its log is "
                + logFile
                + " (kept), last lines:\n"
                + tail);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start s3proxy in " + workDir, e);
    } finally {
      if (!started) {
        // A failed start keeps its directory when there is a log to read; the message names it.
        openDirs.remove(workDir);
        if (!Files.exists(workDir.resolve("s3proxy.log"))) {
          deleteRecursively(workDir);
        }
      }
    }
  }

  /** The jar named by {@value #JAR_PROPERTY}, or {@code target/s3proxy/s3proxy.jar}. */
  public static Path defaultJar() {
    String configured = System.getProperty(JAR_PROPERTY);
    return configured == null || configured.isBlank() ? DEFAULT_JAR : Path.of(configured);
  }

  /**
   * A synchronous S3 client for {@code endpoint}: path-style, the URL-connection HTTP client, and
   * checksums only where an operation requires them. Uploads are then plain signed aws-chunked
   * bodies without a checksum trailer, and gigabyte objects skip the CRC work. The caller closes
   * it.
   */
  public static S3Client newClient(URI endpoint, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .forcePathStyle(true)
        .httpClientBuilder(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The only access key it accepts. */
  public String accessKey() {
    return accessKey;
  }

  /** The secret key for {@link #accessKey()}. */
  public String secretKey() {
    return secretKey;
  }

  /** Always {@value #REGION}. */
  public String region() {
    return REGION;
  }

  /** Where s3proxy's stdout and stderr go. */
  public Path logFile() {
    return logFile;
  }

  /** A client signed with this server's identity; closed by {@link #close()}. */
  public S3Client client() {
    return client;
  }

  /** A new client for this server signed with other credentials; the caller closes it. */
  public S3Client client(String accessKey, String secretKey) {
    return newClient(endpoint, accessKey, secretKey);
  }

  /** Creates a bucket. */
  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  /**
   * Stores {@code body} under {@code key}, with a content type and {@code x-amz-meta-*} headers.
   */
  public PutObjectResponse putObject(
      String bucket,
      String key,
      byte[] body,
      String contentType,
      Map<String, String> userMetadata) {
    return putObject(
        bucket, key, body, request -> request.contentType(contentType).metadata(userMetadata));
  }

  /**
   * Stores {@code body} under {@code key}; {@code headers} sets anything else on the request
   * (Cache-Control, Content-Disposition, Content-Encoding, Content-Language, Expires, metadata).
   */
  public PutObjectResponse putObject(
      String bucket, String key, byte[] body, Consumer<PutObjectRequest.Builder> headers) {
    PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key);
    headers.accept(request);
    return client.putObject(request.build(), RequestBody.fromBytes(body));
  }

  /**
   * Stores {@code size} bytes of {@link TestContent} under {@code key} as {@code
   * application/octet-stream}, streaming them: nothing of that size is held in memory.
   */
  public PutObjectResponse putGeneratedObject(String bucket, String key, long size) {
    PutObjectRequest request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .contentType("application/octet-stream")
            .contentLength(size)
            .build();
    return client.putObject(
        request,
        RequestBody.fromContentProvider(
            () -> TestContent.stream(size), size, "application/octet-stream"));
  }

  /** Whether the s3proxy process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Stops the s3proxy process but keeps its data, so that {@link #restart()} brings the same
   * objects back on the same port. Connections to the port are refused meanwhile.
   */
  public void stop() {
    destroyTree(process);
  }

  /** Starts s3proxy again on the same port and data after {@link #stop()}. */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("s3proxy at " + endpoint + " is closed");
    }
    if (process.isAlive()) {
      throw new IllegalStateException("s3proxy at " + endpoint + " is running (expected: stopped)");
    }
    try {
      Process restarted = launch(jar, propertiesFile, logFile);
      String failure = awaitAnswering(restarted, endpoint);
      if (failure != null) {
        destroyTree(restarted);
        throw new IllegalStateException(
            "s3proxy at "
                + endpoint
                + " "
                + failure
                + " on restart; its log is "
                + logFile
                + ", last lines:\n"
                + tail(logFile));
      }
      process = restarted;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart s3proxy at " + endpoint, e);
    }
  }

  /** Stops s3proxy and deletes its objects and log. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    client.close();
    destroyTree(process);
    deleteRecursively(workDir);
    openDirs.remove(workDir);
  }

  @Override
  public String toString() {
    return "S3ProxyServer{endpoint=" + endpoint + ", accessKey=" + accessKey + "}";
  }

  private static Process launch(Path jar, Path propertiesFile, Path logFile) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(jar.toString());
    command.add("--properties");
    command.add(propertiesFile.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    // s3proxy's logback.xml reads these; pin them so the caller's environment cannot silence it.
    builder.environment().put("LOG_LEVEL", "info");
    builder.environment().put("LOG_APPENDER", "STDOUT");
    Process process = builder.start();
    running.add(process);
    process.getOutputStream().close();
    return process;
  }

  private static String javaExecutable() {
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static void writeProperties(
      Path file, int port, String accessKey, String secretKey, Path dataDir) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    properties.setProperty("s3proxy.authorization", "aws-v4");
    properties.setProperty("s3proxy.identity", accessKey);
    properties.setProperty("s3proxy.credential", secretKey);
    // Objects live on disk, not in s3proxy's heap, so gigabyte objects fit in -Xmx256m.
    properties.setProperty("jclouds.provider", "filesystem-nio2");
    properties.setProperty("jclouds.filesystem.basedir", dataDir.toString());
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, "written by " + S3ProxyServer.class.getName());
    }
  }

  /** Polls until the process answers HTTP; returns null when it does, else what went wrong. */
  private static String awaitAnswering(Process process, URI endpoint) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        return "exited with status " + process.exitValue() + " while starting";
      }
      if (answers(endpoint)) {
        return process.isAlive() ? null : "exited while starting";
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "start was interrupted";
      }
    }
    return "did not answer HTTP within " + STARTUP_TIMEOUT.toSeconds() + " s";
  }

  private static boolean answers(URI endpoint) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) endpoint.resolve("/").toURL().openConnection();
      connection.setConnectTimeout(1_000);
      connection.setReadTimeout(2_000);
      connection.setRequestMethod("GET");
      // Any status means it is serving; anonymous requests get 403 AccessDenied.
      connection.getResponseCode();
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  private static void destroyTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    running.remove(process);
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("yatagarasu-s3proxy-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for s3proxy", e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (NoSuchFileException e) {
      return "(no log written)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // Already gone.
    } catch (IOException e) {
      log.warn("cannot delete s3proxy directory dir={} error={}", dir, e.toString());
    }
  }
}
