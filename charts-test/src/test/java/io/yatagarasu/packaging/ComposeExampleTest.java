package io.yatagarasu.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The docker-compose example: the compose file is well formed, builds the proxy from the
 * repository's Dockerfile, and mounts a configuration the proxy's own parser accepts with the
 * environment compose gives it, pointing at the MinIO service with the buckets the seed job makes.
 */
class ComposeExampleTest {
  private static final Path EXAMPLE = DockerfilesTest.ROOT.resolve("examples/docker-compose");

  @Test
  void composeFileBuildsTheProxyAndMountsAConfigTheParserAccepts() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(EXAMPLE.resolve("compose.yaml").toFile());
    JsonNode services = compose.path("services");
    assertThat(services.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("minio", "seed", "yatagarasu");

    JsonNode proxy = services.path("yatagarasu");
    Path context = EXAMPLE.resolve(proxy.path("build").path("context").asText()).normalize();
    assertThat(context).isEqualTo(DockerfilesTest.ROOT);
    assertThat(context.resolve(proxy.path("build").path("dockerfile").asText())).exists();
    assertThat(proxy.path("depends_on").path("seed").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(services.path("seed").path("depends_on").path("minio").path("condition").asText())
        .isEqualTo("service_healthy");

    String mount = proxy.path("volumes").get(0).asText();
    String[] parts = mount.split(":");
    Path config = EXAMPLE.resolve(parts[0]).normalize();
    assertThat(config).exists();
    assertThat(parts[1]).isEqualTo("/etc/yatagarasu/config.yaml");

    JsonNode healthcheck = proxy.path("healthcheck").path("test");
    assertThat(healthcheck.get(0).asText()).isEqualTo("CMD");
    assertThat(healthcheck.toString())
        .contains("\"-jar\",\"/opt/yatagarasu/yatagarasu-proxy.jar\"")
        .contains("\"--probe\",\"" + DockerfilesTest.PROXY_READY + "\"");

    Map<String, String> env = new HashMap<>();
    proxy
        .path("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    ProxyConfig parsed = new ConfigParser(Environment.of(env)).parseYaml(Files.readString(config));

    assertThat(parsed.admin().listen().port())
        .as("the health check probes the admin listener's port")
        .isEqualTo(9090);
    assertThat(parsed.admin().listen().host()).isIn("0.0.0.0", "127.0.0.1");

    String seed = services.path("seed").path("command").get(0).asText();
    assertThat(parsed.buckets()).isNotEmpty();
    parsed
        .buckets()
        .forEach(
            bucket -> {
              assertThat(bucket.s3().endpoint()).hasHost("minio").hasPort(9000);
              assertThat(seed).contains("local/" + bucket.s3().bucket());
              assertThat(bucket.s3().credentials().accessKeyId())
                  .isEqualTo(env.get("MINIO_ACCESS_KEY"));
            });
    assertThat(seed)
        .contains(
            "mc admin user add local "
                + env.get("MINIO_ACCESS_KEY")
                + " "
                + env.get("MINIO_SECRET_KEY"));
    assertThat(parsed.server().listen().port()).isEqualTo(8080);
    assertThat(proxy.path("ports").toString())
        .contains("${YATAGARASU_PORT:-8080}:8080")
        .contains("${YATAGARASU_ADMIN_PORT:-9090}:9090");
  }

  @Test
  void envExampleNamesOnlyVariablesTheComposeFileUsesWithTheSameDefaults() throws Exception {
    String compose = Files.readString(EXAMPLE.resolve("compose.yaml"));
    java.util.List<String> lines =
        Files.readAllLines(EXAMPLE.resolve(".env.example")).stream()
            .map(String::trim)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(line).as("NAME=value, nothing after the value").matches("[A-Z0-9_]+=[^\\s#]+");
      String name = line.substring(0, line.indexOf('='));
      String value = line.substring(line.indexOf('=') + 1);
      assertThat(compose)
          .as(name + " is used in compose.yaml with the same default")
          .contains("${" + name + ":-" + value + "}");
    }
  }
}
