package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConfigDocumentTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));

  @Test
  void readsTheStatedGeneration() throws ConfigException {
    ConfigDocument document = PARSER.parseYamlDocument("generation: 7\n");
    assertThat(document.generation()).isEqualTo(OptionalLong.of(7));
    assertThat(PARSER.parseYamlDocument("server: {}\n").generation()).isEmpty();
  }

  @Test
  void rejectsAGenerationThatIsNotAPositiveInteger() {
    assertThatThrownBy(() -> PARSER.parseYamlDocument("generation: 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("generation: 0 (expected: 1..9223372036854775807)");
    assertThatThrownBy(() -> PARSER.parseJsonDocument("{\"generation\": \"seven\"}"))
        .hasMessage("generation: \"seven\" is not an integer");
  }

  @Test
  void generationIsNotPartOfTheContentHash() throws ConfigException {
    ProxyConfig config = PARSER.parseYaml("buckets: []\n");
    String json = ConfigWriter.toJson(new ConfigDocument(config, OptionalLong.of(42)));
    assertThat(json).startsWith("{\n  \"generation\": 42,");
    ConfigDocument back = PARSER.parseJsonDocument(json);
    assertThat(back.generation()).isEqualTo(OptionalLong.of(42));
    assertThat(back.config()).isEqualTo(config);
    assertThat(ConfigWriter.contentHash(back.config())).isEqualTo(ConfigWriter.contentHash(config));
  }

  @Test
  void readsTheAdminApiSettings() throws ConfigException {
    AdminConfig admin =
        PARSER
            .parseYaml(
                "admin: { listen: 127.0.0.1:9191, tokenFile: /etc/yatagarasu/admin/token,"
                    + " maxBodyBytes: 2048 }\n")
            .admin();
    assertThat(admin.tokenFile()).isEqualTo("/etc/yatagarasu/admin/token");
    assertThat(admin.maxBodyBytes()).isEqualTo(2048);
    assertThat(AdminConfig.defaults().tokenFile()).isNull();
    assertThat(AdminConfig.defaults().maxBodyBytes()).isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void rejectsBadAdminApiSettings() {
    assertThatThrownBy(() -> PARSER.parseYaml("admin: { tokenFile: \"\", maxBodyBytes: 10 }\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("admin.tokenFile: must not be empty")
        .hasMessageContaining("admin.maxBodyBytes: 10 (expected: 1024..1073741824)");
  }

  @Test
  void adminApiSettingsRoundTrip() throws ConfigException {
    ProxyConfig config =
        PARSER.parseYaml("admin: { tokenFile: /run/token, maxBodyBytes: 4096 }\nbuckets: []\n");
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }
}
