package io.yatagarasu.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.LogFormat;
import io.yatagarasu.config.ProxyConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoConfigTest {

  private static final List<DemoConfig.Route> ROUTES =
      List.of(
          new DemoConfig.Route(
              "public",
              "/public",
              "demo-public",
              URI.create("http://127.0.0.1:41001"),
              "us-east-1",
              "public-key",
              "public-secret"),
          new DemoConfig.Route(
              "reports",
              "/reports",
              "demo-reports",
              URI.create("http://127.0.0.1:41002"),
              "us-east-1",
              "reports-key",
              "it's: #secret"));

  @Test
  void writtenConfigurationIsAcceptedByTheConfigModule() throws Exception {
    ProxyConfig config =
        new ConfigParser(Environment.of(Map.of())).parseYaml(DemoConfig.yaml(18080, 19090, ROUTES));

    assertThat(config.server().listen().port()).isEqualTo(18080);
    assertThat(config.admin().listen().port()).isEqualTo(19090);
    assertThat(config.logging().format()).isEqualTo(LogFormat.TEXT);
    assertThat(config.buckets())
        .extracting(BucketConfig::pathPrefix)
        .containsExactly("/public", "/reports");
  }

  @Test
  void eachRouteKeepsItsOwnStoreAndCredentials() throws Exception {
    ProxyConfig config =
        new ConfigParser(Environment.of(Map.of())).parseYaml(DemoConfig.yaml(0, 0, ROUTES));

    BucketConfig reports = config.buckets().get(1);
    assertThat(reports.s3().bucket()).isEqualTo("demo-reports");
    assertThat(reports.s3().endpoint()).isEqualTo(URI.create("http://127.0.0.1:41002"));
    assertThat(reports.s3().pathStyle()).isTrue();
    assertThat(reports.s3().credentials().accessKeyId()).isEqualTo("reports-key");
    assertThat(reports.s3().credentials().secretAccessKey()).isEqualTo("it's: #secret");
  }
}
