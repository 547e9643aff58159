package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin-listener endpoint that README.md or a page of docs/ names answers on a running proxy:
 * no document describes an endpoint that does not exist.
 */
class DocumentedEndpointsIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String TOKEN = "documented-endpoints-token-0123";
  // A path of the admin listener, standing alone (not inside a longer path such as
  // /etc/yatagarasu/admin/token, nor a prefix such as /admin/*), with the method written before it.
  private static final Pattern ENDPOINT =
      Pattern.compile(
          "(?:\\b(GET|HEAD|PUT|POST|DELETE|PATCH)\\s+)?(?:https?://[^\\s/`]+)?"
              + "(?<![\\w./-])(/(?:admin(?:/[a-z][a-z0-9-]*)+|metrics|health|ready))(?![\\w./*-])");

  @TempDir static Path dir;
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    store = S3ProxyServer.start("docs-key", "docs-secret-0123456789");
    store.createBucket("files");
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN);
    String yaml =
        "server: { listen: 127.0.0.1:0 }\n"
            + "admin: { listen: 127.0.0.1:0, tokenFile: \""
            + tokenFile
            + "\" }\n"
            + "buckets:\n"
            + "  - name: files\n"
            + "    pathPrefix: /files\n"
            + "    s3: { bucket: files, region: us-east-1, endpoint: \""
            + store.endpoint()
            + "\", credentials: { accessKeyId: docs-key, secretAccessKey: docs-secret-0123456789 }"
            + " }\n"
            + "    auth: { type: public }\n";
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** Endpoint ("METHOD /path", or "/path" without a method) to the documents that name it. */
  static Map<String, List<String>> documentedEndpoints() throws Exception {
    List<Path> documents = new ArrayList<>();
    documents.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    Map<String, List<String>> endpoints = new TreeMap<>();
    for (Path document : documents) {
      List<String> lines = Files.readAllLines(document);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = ENDPOINT.matcher(lines.get(i));
        while (m.find()) {
          String endpoint = m.group(1) == null ? m.group(2) : m.group(1) + " " + m.group(2);
          endpoints
              .computeIfAbsent(endpoint, k -> new ArrayList<>())
              .add(ROOT.relativize(document) + ":" + (i + 1));
        }
      }
    }
    return endpoints;
  }

  @Test
  void findsTheEndpointsTheDocsName() throws Exception {
    // The scan itself works: it sees the well-known endpoints and skips file paths and prefixes.
    Map<String, List<String>> endpoints = documentedEndpoints();
    assertThat(endpoints).containsKeys("/health", "/ready", "/metrics", "PUT /admin/config");
    assertThat(endpoints.keySet()).noneMatch(e -> e.endsWith("/admin/token"));
    assertThat(endpoints.keySet()).noneMatch(e -> e.endsWith("/admin"));
  }

  @Test
  void everyDocumentedAdminEndpointAnswers() throws Exception {
    String admin = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    TreeSet<String> missing = new TreeSet<>();
    for (Map.Entry<String, List<String>> entry : documentedEndpoints().entrySet()) {
      String[] parts = entry.getKey().split(" ");
      String method = parts.length == 2 ? parts[0] : "GET";
      String path = parts[parts.length - 1];
      // An empty body: a PUT of a configuration is rejected (400), never applied.
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(admin + path))
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      boolean answers = status != 404 && !(parts.length == 2 && status == 405);
      if (!answers) {
        missing.add(entry.getKey() + " -> " + status + " (named in " + entry.getValue() + ")");
      }
    }
    assertThat(missing).as("documented endpoints that do not answer").isEmpty();
  }
}
