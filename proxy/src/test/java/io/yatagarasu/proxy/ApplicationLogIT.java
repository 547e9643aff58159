package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone proxy's own log (the shipped jar and its logback.xml): {@code logging.format}
 * switches the application lines between text and one JSON object a line, and no secret reaches
 * them on the paths that handle one (a refused admin token, a rejected document holding a key).
 */
class ApplicationLogIT {
  private static final String ACCESS_KEY = "log-key";
  private static final String SECRET = "log-secret-0123456789abcdef";
  private static final String ADMIN_TOKEN = "admin-token-log-it-abcdefghij";
  private static final String WRONG_TOKEN = "wrong-token-log-it-zyxwvutsrq";
  private static final String PUSHED_SECRET = "pushed-secret-must-not-be-logged";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    store = S3ProxyServer.start(ACCESS_KEY, SECRET);
    store.createBucket("files");
    store.putObject("files", "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  private record Running(ShippedProxy jar, Path config, int port, int adminPort)
      implements AutoCloseable {
    Path log() {
      return jar.log();
    }

    @Override
    public void close() {
      jar.close();
    }
  }

  private static String yaml(int port, int adminPort, String format, String prefix) {
    return """
        server: { listen: 127.0.0.1:%d }
        admin: { listen: 127.0.0.1:%d, tokenFile: "%s" }
        logging: { format: %s }
        buckets:
          - name: files
            pathPrefix: %s
            s3: { bucket: files, region: us-east-1, endpoint: "%s", credentials: { accessKeyId: %s, secretAccessKey: %s } }
            auth: { type: public }
        """
        .formatted(
            port,
            adminPort,
            dir.resolve("token"),
            format,
            prefix,
            store.endpoint(),
            ACCESS_KEY,
            SECRET);
  }

  private static Running startProxy(String name, String format) throws Exception {
    Files.writeString(dir.resolve("token"), ADMIN_TOKEN + "\n");
    int port = FreePorts.find();
    int adminPort = FreePorts.find();
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, yaml(port, adminPort, format, "/files"));
    ShippedProxy jar =
        ShippedProxy.builder(config, dir.resolve(name + ".log")).start().awaitReady(adminPort);
    return new Running(jar, config, port, adminPort);
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int putConfig(Running proxy, String body, String token) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + proxy.adminPort() + "/admin/config"))
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Stops the proxy with SIGTERM and returns every line it wrote. */
  private static List<String> stopAndRead(Running proxy) throws Exception {
    proxy.jar().signal("TERM");
    assertThat(proxy.jar().waitFor(Duration.ofSeconds(30))).isTrue();
    return Files.readAllLines(proxy.log()).stream().filter(l -> !l.isBlank()).toList();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not a JSON line: " + line, e);
    }
  }

  private static boolean isJson(String line) {
    try {
      return JSON.readTree(line).isObject();
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void writesEveryLineAsJsonWithTheDocumentedFieldsAndNoSecret() throws Exception {
    try (Running proxy = startProxy("json", "json")) {
      String base = "http://127.0.0.1:" + proxy.port();
      assertThat(get(base + "/files/a.txt", null).statusCode()).isEqualTo(200);
      assertThat(get(base + "/nowhere/a.txt", null).statusCode()).isEqualTo(404);
      // A refused admin token and a rejected document holding a secret: both are logged, neither
      // value is.
      assertThat(putConfig(proxy, "{}", WRONG_TOKEN)).isEqualTo(401);
      String rejected =
          """
          {"buckets":[{"name":"files","pathPrefix":"/files","s3":{"bucket":"files",
          "region":"us-east-1","credentials":{"secretAccessKey":"%s"}},"auth":{"type":"nope"}}]}
          """
              .formatted(PUSHED_SECRET);
      assertThat(putConfig(proxy, rejected, ADMIN_TOKEN)).isEqualTo(422);

      List<String> lines = stopAndRead(proxy);
      assertThat(lines).isNotEmpty();
      List<JsonNode> objects = lines.stream().map(ApplicationLogIT::parse).toList();
      List<JsonNode> application = objects.stream().filter(o -> o.has("logger")).toList();
      List<JsonNode> access = objects.stream().filter(o -> o.has("requestId")).toList();
      assertThat(application).isNotEmpty();
      assertThat(access).hasSizeGreaterThanOrEqualTo(2);
      for (JsonNode line : application) {
        assertThat(Instant.parse(line.get("ts").asText())).isNotNull();
        assertThat(line.get("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
        assertThat(line.get("logger").asText()).startsWith("io.yatagarasu");
        assertThat(line.get("thread").asText()).isNotBlank();
        assertThat(line.get("message").asText()).isNotBlank();
      }
      assertThat(application)
          .anySatisfy(
              line -> {
                assertThat(line.get("level").asText()).isEqualTo("WARN");
                assertThat(line.get("message").asText()).contains("configuration rejected");
              });
      String all = String.join("\n", lines);
      assertThat(all)
          .doesNotContain(PUSHED_SECRET)
          .doesNotContain(SECRET)
          .doesNotContain(ADMIN_TOKEN)
          .doesNotContain(WRONG_TOKEN);
    }
  }

  @Test
  void switchesFromTextToJsonWhenTheConfigurationChanges() throws Exception {
    try (Running proxy = startProxy("switch", "text")) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> Files.readString(proxy.log()).contains("configuration applied generation=1"));
      Path next = dir.resolve("switch.next");
      Files.writeString(next, yaml(proxy.port(), proxy.adminPort(), "json", "/renamed"));
      Files.move(next, proxy.config(), StandardCopyOption.ATOMIC_MOVE);
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () ->
                  get("http://127.0.0.1:" + proxy.port() + "/renamed/a.txt", null).statusCode()
                      == 200);

      List<String> lines = stopAndRead(proxy);
      String firstApplied =
          lines.stream()
              .filter(l -> l.contains("configuration applied generation=1"))
              .findFirst()
              .orElseThrow();
      assertThat(isJson(firstApplied)).as(firstApplied).isFalse();
      assertThat(firstApplied)
          .matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO .*");
      int switched = -1;
      for (int i = 0; i < lines.size(); i++) {
        if (isJson(lines.get(i))
            && parse(lines.get(i)).path("message").asText().startsWith("configuration applied")) {
          switched = i;
          break;
        }
      }
      assertThat(switched).as("a JSON 'configuration applied' line in %s", lines).isPositive();
      JsonNode applied = parse(lines.get(switched));
      assertThat(applied.get("message").asText()).contains("generation=2");
      assertThat(applied.get("logger").asText()).isEqualTo(SnapshotManager.class.getName());
      for (String line : lines.subList(switched, lines.size())) {
        assertThat(isJson(line)).as(line).isTrue();
      }
    }
  }
}
