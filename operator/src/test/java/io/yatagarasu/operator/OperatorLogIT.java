package io.yatagarasu.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.yatagarasu.operator.render.PodLayout;
import io.yatagarasu.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped operator jar and its logback.xml against the mock API server: {@code
 * YATAGARASU_LOG_FORMAT=json} makes every line one JSON object with the documented fields, text
 * stays the default, and the fleet's admin token never reaches the log.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  static KubernetesClient client;
  @TempDir static Path dir;

  @BeforeAll
  static void crds() throws Exception {
    OperatorHarness.installCrds(client);
  }

  private record Run(List<String> lines, String adminToken) {}

  /** Runs the operator jar until it has rendered a fleet, then stops it and returns its lines. */
  private static Run run(String name, String format) throws Exception {
    String ns = "log-" + name;
    int port = FreePorts.find();
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                System.getProperty("yatagarasu.operator.jar", "target/yatagarasu-operator.jar"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().put("KUBERNETES_MASTER", client.getMasterUrl().toString());
    builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    builder.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    // The mock server's certificate is its own.
    builder.environment().put("KUBERNETES_TRUST_CERTIFICATES", "true");
    builder.environment().put("KUBERNETES_DISABLE_HOSTNAME_VERIFICATION", "true");
    builder.environment().put("KUBERNETES_NAMESPACE", ns);
    builder.environment().put("YATAGARASU_HTTP_PORT", String.valueOf(port));
    builder.environment().put("YATAGARASU_WATCH_NAMESPACES", ns);
    builder.environment().remove("YATAGARASU_LEASE_NAMESPACE");
    if (format == null) {
      builder.environment().remove("YATAGARASU_LOG_FORMAT");
    } else {
      builder.environment().put("YATAGARASU_LOG_FORMAT", format);
    }
    Process process = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + port + "/readyz"))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);
      client.resource(OperatorHarness.fleet(ns, "edge", 1)).create();
      client
          .resource(OperatorHarness.bucket(ns, "files", "edge", "/files", "missing-secret"))
          .create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> Files.readString(dir.resolve(name + ".log")).contains("snapshot fleet=" + ns));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.secrets().inNamespace(ns).withName("edge-admin-token").get() != null);
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Secret token = client.secrets().inNamespace(ns).withName("edge-admin-token").get();
    String adminToken =
        new String(
            Base64.getDecoder().decode(token.getData().get(PodLayout.ADMIN_TOKEN_KEY)),
            StandardCharsets.UTF_8);
    List<String> lines =
        Files.readAllLines(dir.resolve(name + ".log")).stream().filter(l -> !l.isBlank()).toList();
    return new Run(lines, adminToken);
  }

  @Test
  void writesEveryLineAsAJsonObjectWhenAsked() throws Exception {
    Run run = run("json", "json");
    assertThat(run.lines()).isNotEmpty();
    for (String line : run.lines()) {
      JsonNode object;
      try {
        object = JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
      assertThat(Instant.parse(object.get("ts").asText())).isNotNull();
      assertThat(object.get("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      assertThat(object.get("logger").asText()).isNotBlank();
      assertThat(object.get("thread").asText()).isNotBlank();
      assertThat(object.has("message")).isTrue();
    }
    assertThat(run.lines())
        .anySatisfy(
            l -> assertThat(JSON.readTree(l).get("message").asText()).startsWith("starting"));
    assertThat(String.join("\n", run.lines())).doesNotContain(run.adminToken());
  }

  @Test
  void writesTextLinesByDefault() throws Exception {
    Run run = run("text", null);
    assertThat(run.lines())
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO .*OperatorMain"
                            + " - starting .*"));
    assertThat(run.lines()).allSatisfy(l -> assertThat(l).doesNotStartWith("{\""));
    assertThat(String.join("\n", run.lines())).doesNotContain(run.adminToken());
  }
}
