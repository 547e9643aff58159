package io.yatagarasu.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyBucketSpec;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 1,000 buckets in one fleet, half with their own labelled Secret, render into one snapshot (JSON
 * and hash). The time is printed as a {@code FIGURE} line, not asserted: bench/operator-push.sh
 * holds the target and docs/benchmarks.md the figures. Run it alone with
 *
 * <pre>
 * ./mvnw -B -pl operator test -Dtest=ConfigRendererScaleTest
 * </pre>
 */
class ConfigRendererScaleTest {
  static final int BUCKETS = 1000;

  @Test
  void thousandBucketsRenderIntoOneSnapshot() {
    S3ProxyConfig proxy = new S3ProxyConfig();
    proxy.setMetadata(new ObjectMetaBuilder().withName("edge").withNamespace("scale").build());
    List<S3ProxyBucket> buckets = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    Instant created = Instant.parse("2026-11-01T00:00:00Z");
    for (int i = 0; i < BUCKETS; i++) {
      buckets.add(bucket(i, created.plusSeconds(i)));
      if (i % 2 == 1) {
        secrets.add(
            new SecretBuilder()
                .withNewMetadata()
                .withName("creds-" + i)
                .withNamespace("scale")
                .addToLabels(Labels.CREDENTIALS, "true")
                .endMetadata()
                .addToStringData("AWS_ACCESS_KEY_ID", "AKIA" + i)
                .addToStringData("AWS_SECRET_ACCESS_KEY", "secret-" + i)
                .build());
      }
    }
    // Class loading (Jackson, the config records) is paid once per JVM by whichever fleet renders
    // first; time it apart from the first large render, which an operator pays after a restart.
    long loadStart = System.nanoTime();
    render(proxy, buckets.subList(0, 1), secrets);
    Duration classLoading = Duration.ofNanos(System.nanoTime() - loadStart);
    long coldStart = System.nanoTime();
    render(proxy, buckets, secrets);
    Duration cold = Duration.ofNanos(System.nanoTime() - coldStart);
    // Warm up the JIT the way a running operator is warm, then take the best of a few runs.
    for (int i = 0; i < 5; i++) {
      render(proxy, buckets, secrets);
    }
    Duration best = Duration.ofDays(1);
    RenderResult result = null;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      result = render(proxy, buckets, secrets);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      best = took.compareTo(best) < 0 ? took : best;
    }
    System.out.printf(
        "render of %d buckets: first %d ms (after %d ms of class loading by a one-bucket render),"
            + " warm best of 5 %d ms (snapshot %d bytes)%n",
        BUCKETS, cold.toMillis(), classLoading.toMillis(), best.toMillis(), result.json().length());
    System.out.printf("FIGURE operator.render1000.warm.ms %d%n", best.toMillis());
    assertThat(result.acceptedCount()).isEqualTo(BUCKETS);
    assertThat(result.json()).contains("\"/tenant-999/files\"");
  }

  private static RenderResult render(
      S3ProxyConfig proxy, List<S3ProxyBucket> buckets, List<Secret> secrets) {
    RenderResult result = ConfigRenderer.render(proxy, buckets, secrets, Map.of());
    result.json();
    result.hash();
    return result;
  }

  private static S3ProxyBucket bucket(int i, Instant created) {
    S3ProxyBucket bucket = new S3ProxyBucket();
    bucket.setMetadata(
        new ObjectMetaBuilder()
            .withName("bucket-" + i)
            .withNamespace("scale")
            .withGeneration(1L)
            .withCreationTimestamp(created.toString())
            .build());
    S3ProxyBucketSpec spec = new S3ProxyBucketSpec();
    S3ProxyBucketSpec.ProxyRef ref = new S3ProxyBucketSpec.ProxyRef();
    ref.setName("edge");
    spec.setProxyRef(ref);
    spec.setPathPrefix("/tenant-" + i + "/files");
    S3ProxyBucketSpec.S3 s3 = new S3ProxyBucketSpec.S3();
    s3.setBucket("tenant-bucket-" + i);
    s3.setRegion("eu-central-1");
    s3.setEndpoint("https://s3.eu-central-1.amazonaws.com");
    spec.setS3(s3);
    S3ProxyBucketSpec.Credentials credentials = new S3ProxyBucketSpec.Credentials();
    if (i % 2 == 1) {
      S3ProxyBucketSpec.SecretRef secretRef = new S3ProxyBucketSpec.SecretRef();
      secretRef.setName("creds-" + i);
      credentials.setSecretRef(secretRef);
    } else {
      credentials.setPodIdentity(true);
    }
    spec.setCredentials(credentials);
    bucket.setSpec(spec);
    return bucket;
  }
}
