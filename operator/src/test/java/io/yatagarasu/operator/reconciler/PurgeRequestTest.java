package io.yatagarasu.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.distribute.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a purge sends to each pod, how it is summed up, and when a failed pod is asked again. */
class PurgeRequestTest {
  private static S3ProxyCachePurgeSpec spec(List<String> keys, List<String> prefixes, Boolean all) {
    S3ProxyCachePurgeSpec spec = new S3ProxyCachePurgeSpec();
    spec.setKeys(keys);
    spec.setPrefixes(prefixes);
    spec.setAll(all);
    return spec;
  }

  private static String body(S3ProxyCachePurgeSpec spec, String bucket) {
    return new String(S3ProxyCachePurgeReconciler.body(spec, bucket), StandardCharsets.UTF_8);
  }

  @Test
  void aBucketPurgeNamesTheBucketAndItsKeysAndPrefixes() {
    assertThat(body(spec(List.of("a/b.png"), List.of("img/"), null), "assets"))
        .isEqualTo("{\"bucket\":\"assets\",\"keys\":[\"a/b.png\"],\"prefixes\":[\"img/\"]}");
  }

  @Test
  void aFleetWidePurgeNamesNoBucket() {
    assertThat(body(spec(null, List.of("img/"), null), "*")).isEqualTo("{\"prefixes\":[\"img/\"]}");
    assertThat(body(spec(null, null, true), "*")).isEqualTo("{\"all\":true}");
  }

  @Test
  void allIsSentAlone() {
    assertThat(body(spec(null, null, true), "assets"))
        .isEqualTo("{\"bucket\":\"assets\",\"all\":true}");
  }

  @Test
  void whatSumsUpTheSelection() {
    assertThat(S3ProxyCachePurgeReconciler.what(spec(List.of("a"), null, null))).isEqualTo("1 key");
    assertThat(S3ProxyCachePurgeReconciler.what(spec(List.of("a", "b"), List.of("p/"), null)))
        .isEqualTo("2 keys, 1 prefix");
    assertThat(S3ProxyCachePurgeReconciler.what(spec(null, List.of("p/", "q/"), false)))
        .isEqualTo("2 prefixes");
    assertThat(S3ProxyCachePurgeReconciler.what(spec(null, null, true))).isEqualTo("all");
  }

  @Test
  void deadlineAndTimeToLiveDefaultLikeTheCrd() {
    S3ProxyCachePurgeSpec spec = spec(List.of("a"), null, null);
    assertThat(S3ProxyCachePurgeReconciler.deadlineSeconds(spec)).isEqualTo(300);
    assertThat(S3ProxyCachePurgeReconciler.ttlSeconds(spec)).isEqualTo(3600);
    spec.setTtlSecondsAfterFinished(0);
    assertThat(S3ProxyCachePurgeReconciler.ttlSeconds(spec)).isZero();
  }

  @Test
  void retriesBackOffExponentiallyUpToTheCapWithAJitterFixedPerPodAndAttempt() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
    double jitter = S3ProxyCachePurgeReconciler.jitter("uid", "edge-1", 3);
    assertThat(jitter)
        .isBetween(0.0, 1.0)
        .isEqualTo(S3ProxyCachePurgeReconciler.jitter("uid", "edge-1", 3));
    // Third failure: a step of 800ms, the delay in its upper half.
    assertThat(backoff.nanos(3, jitter))
        .isBetween(Duration.ofMillis(400).toNanos(), Duration.ofMillis(800).toNanos());
    assertThat(backoff.nanos(1, 0)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(backoff.nanos(40, 1)).isEqualTo(Duration.ofSeconds(30).toNanos());
  }
}
