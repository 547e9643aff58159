package io.yatagarasu.proxy.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class S3RequestSignerTest {
  private static final long SECOND = 1_764_000_000L;
  private static final AwsCredentialsIdentity KEYS =
      AwsBasicCredentials.create(
          "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

  private S3Target target;

  @BeforeEach
  void setUp() throws Exception {
    String yaml =
        """
        buckets:
          - name: assets
            pathPrefix: /assets
            s3:
              bucket: my-assets
              region: eu-west-1
              credentials: { accessKeyId: a, secretAccessKey: b }
            auth: { type: public }
        """;
    target =
        S3Target.of(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml).buckets().get(0));
  }

  private Map<String, List<String>> sign(
      String path, Map<String, String> headers, AwsCredentialsIdentity identity, long second) {
    return S3RequestSigner.sign(false, target, path, Map.of(), headers, identity, second);
  }

  private static String authorization(Map<String, List<String>> headers) {
    return headers.get("Authorization").get(0);
  }

  @Test
  void memoizedSignatureIsTheOneTheSdkComputesForThatSecond() {
    Map<String, List<String>> first = sign("/my-assets/a.jpg", Map.of(), KEYS, SECOND);
    Map<String, List<String>> again = sign("/my-assets/a.jpg", Map.of(), KEYS, SECOND);

    assertThat(again).isSameAs(first);
    assertThat(first)
        .isEqualTo(
            S3RequestSigner.signNow(
                false, target, "/my-assets/a.jpg", Map.of(), Map.of(), KEYS, SECOND));
    assertThat(first.get("X-Amz-Date")).containsExactly("20251124T160000Z");
    assertThat(authorization(first))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251124/eu-west-1/s3/");
  }

  @Test
  void signsAgainWhenTheSecondChanges() {
    Map<String, List<String>> first = sign("/my-assets/a.jpg", Map.of(), KEYS, SECOND);
    Map<String, List<String>> next = sign("/my-assets/a.jpg", Map.of(), KEYS, SECOND + 1);

    assertThat(next.get("X-Amz-Date")).containsExactly("20251124T160001Z");
    assertThat(authorization(next)).isNotEqualTo(authorization(first));
    assertThat(S3RequestSigner.memoSize()).isEqualTo(1);
  }

  @Test
  void neverSharesASignatureBetweenDifferentPathsHeadersOrCredentials() {
    String plain = authorization(sign("/my-assets/a.jpg", Map.of(), KEYS, SECOND));
    String otherPath = authorization(sign("/my-assets/b.jpg", Map.of(), KEYS, SECOND));
    String ranged =
        authorization(sign("/my-assets/a.jpg", Map.of("range", "bytes=0-9"), KEYS, SECOND));
    String otherSecret =
        authorization(
            sign(
                "/my-assets/a.jpg",
                Map.of(),
                AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "another-secret"),
                SECOND));
    Map<String, List<String>> session =
        sign(
            "/my-assets/a.jpg",
            Map.of(),
            AwsSessionCredentials.create(
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "token-1"),
            SECOND);
    Map<String, List<String>> otherSession =
        sign(
            "/my-assets/a.jpg",
            Map.of(),
            AwsSessionCredentials.create(
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "token-2"),
            SECOND);

    assertThat(List.of(plain, otherPath, ranged, otherSecret, authorization(session)))
        .doesNotHaveDuplicates();
    assertThat(session.get("X-Amz-Security-Token")).containsExactly("token-1");
    assertThat(otherSession.get("X-Amz-Security-Token")).containsExactly("token-2");
    assertThat(authorization(otherSession)).isNotEqualTo(authorization(session));
  }

  @Test
  void keepsAtMostABoundedNumberOfSignaturesPerSecond() {
    for (int i = 0; i < S3RequestSigner.MEMO_ENTRIES + 50; i++) {
      sign("/my-assets/object-" + i, Map.of(), KEYS, SECOND + 10);
    }
    assertThat(S3RequestSigner.memoSize()).isEqualTo(S3RequestSigner.MEMO_ENTRIES);

    Map<String, List<String>> beyond = sign("/my-assets/object-2000", Map.of(), KEYS, SECOND + 10);
    assertThat(beyond)
        .isEqualTo(
            S3RequestSigner.signNow(
                false, target, "/my-assets/object-2000", Map.of(), Map.of(), KEYS, SECOND + 10));
  }
}
