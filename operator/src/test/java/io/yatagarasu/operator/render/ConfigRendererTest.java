package io.yatagarasu.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRendererTest {
  private static Fixtures basic() throws IOException {
    return Fixtures.parse(Files.readString(Path.of("src/test/resources/render/basic.in.yaml")));
  }

  @Test
  void snapshotParsesBackWithTheProxysOwnParserToAnEqualConfig() throws Exception {
    RenderResult result = basic().render();
    ProxyConfig parsed = new ConfigParser(Environment.of(Map.of())).parseJson(result.json());
    assertThat(parsed).isEqualTo(result.config());
  }

  @Test
  void rotatingASecretChangesTheHash() throws IOException {
    Fixtures fixtures = basic();
    String before = fixtures.render().hash();
    List<Secret> rotated = new ArrayList<>();
    for (Secret secret : fixtures.secrets()) {
      rotated.add(
          new SecretBuilder(secret)
              .addToStringData("AWS_SECRET_ACCESS_KEY", "rotated-secret")
              .build());
    }
    String after =
        ConfigRenderer.render(
                fixtures.proxy(), fixtures.buckets(), rotated, fixtures.namespaceLabels())
            .hash();
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void aChangeToAnUnreferencedSecretKeepsTheHash() throws IOException {
    Fixtures fixtures = basic();
    List<Secret> secrets = new ArrayList<>(fixtures.secrets());
    secrets.add(
        new SecretBuilder()
            .withNewMetadata()
            .withName("unrelated")
            .withNamespace("media")
            .addToLabels(Labels.CREDENTIALS, "true")
            .endMetadata()
            .addToStringData("AWS_ACCESS_KEY_ID", "AKIAUNRELATED")
            .build());
    assertThat(
            ConfigRenderer.render(
                    fixtures.proxy(), fixtures.buckets(), secrets, fixtures.namespaceLabels())
                .hash())
        .isEqualTo(fixtures.render().hash());
  }

  @Test
  void messagesNeverContainSecretValues() throws IOException {
    Fixtures fixtures =
        Fixtures.parse(
            Files.readString(Path.of("src/test/resources/render/secret-problems.in.yaml")));
    String described = ConfigRendererGoldenTest.describe(fixtures.render());
    assertThat(described)
        .doesNotContain("custom-secret", "AKIACUSTOM", "AKIAPLAIN", "AKIAONLYID", "AKIAEMPTY");
  }

  @Test
  void pathStyleDefaultsToOnWithAnEndpointAsInTheProxysOwnDocuments() throws IOException {
    Fixtures fixtures = basic();
    var photos =
        fixtures.buckets().stream()
            .filter(b -> b.getMetadata().getName().equals("photos"))
            .findFirst()
            .orElseThrow();
    photos.getSpec().getS3().setPathStyle(null);
    RenderResult result = fixtures.render();
    assertThat(
            result.config().buckets().stream()
                .filter(b -> b.name().equals("photos"))
                .findFirst()
                .orElseThrow()
                .s3()
                .pathStyle())
        .isTrue();
    assertThat(
            result.config().buckets().stream()
                .filter(b -> b.name().equals("public-assets"))
                .findFirst()
                .orElseThrow()
                .s3()
                .pathStyle())
        .isFalse();
  }
}
