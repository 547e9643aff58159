package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicasConfigTest {
  private static final ConfigParser PARSER = new ConfigParser(Environment.of(Map.of()));

  @Test
  void readsReplicasInOrder() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            buckets:
              - name: assets
                pathPrefix: /assets
                auth: { type: public }
                s3:
                  bucket: assets-eu
                  region: eu-west-1
                  replicas:
                    - { bucket: assets-us, region: us-east-1 }
                    - { bucket: assets-minio, region: us-east-1, endpoint: "http://minio:9000", credentials: { accessKeyId: k, secretAccessKey: s } }
            """);
    S3Target s3 = config.buckets().get(0).s3();
    assertThat(s3.replicas())
        .extracting(S3Target::bucket)
        .containsExactly("assets-us", "assets-minio");
    assertThat(s3.replicas().get(1).endpoint()).isEqualTo(URI.create("http://minio:9000"));
    assertThat(s3.replicas().get(1).pathStyle()).isTrue();
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void replicasHaveNoReplicasAndAreCheckedLikeTargets() {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () ->
                        PARSER.parseYaml(
                            """
                            buckets:
                              - name: assets
                                pathPrefix: /assets
                                auth: { type: public }
                                s3:
                                  bucket: assets-eu
                                  region: eu-west-1
                                  replicas:
                                    - { bucket: X, region: "", replicas: [] }
                            """))
                .errors())
        .containsExactly(
            "buckets[0].s3.replicas[0].bucket: \"X\" is not a valid S3 bucket name (expected: 3..63"
                + " lowercase letters, digits, '.' and '-', starting and ending with a letter or"
                + " digit, no '..', not an IP address)",
            "buckets[0].s3.replicas[0].region: must not be empty",
            "buckets[0].s3.replicas[0].replicas: unknown key (expected one of: bucket, region,"
                + " endpoint, pathStyle, keyPrefix, credentials)");
  }
}
