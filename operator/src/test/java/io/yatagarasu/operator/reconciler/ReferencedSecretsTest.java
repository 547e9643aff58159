package io.yatagarasu.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.render.ConfigRenderer;
import io.yatagarasu.operator.render.ObjectKey;
import io.yatagarasu.operator.render.RenderResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which Secrets a fleet's render reads while the label-filtered cache lags behind the API server,
 * how the render cache tells those reads apart, and how often such a fleet is checked again.
 */
class ReferencedSecretsTest {
  private static final ObjectKey CREDS = new ObjectKey("team", "creds");

  private static Secret stored(boolean labelled) {
    Secret secret = OperatorHarness.credentials("team", "creds", "s3cr3t", labelled);
    return new SecretBuilder(secret)
        .editMetadata()
        .withUid("uid-1")
        .withResourceVersion("42")
        .endMetadata()
        .build();
  }

  /** What the API server holds, answered by a direct read. */
  private static Map<ObjectKey, Secret> server(Secret... secrets) {
    Map<ObjectKey, Secret> server = new HashMap<>();
    for (Secret secret : secrets) {
      server.put(ObjectKey.of(secret), secret);
    }
    return server;
  }

  private static ReferencedSecrets.Resolved resolve(
      Map<ObjectKey, Secret> cache, Map<ObjectKey, Secret> server) {
    return ReferencedSecrets.resolve(
        Set.of(CREDS), key -> Optional.ofNullable(cache.get(key)), server::get);
  }

  private static RenderResult render(ReferencedSecrets.Resolved resolved) {
    return ConfigRenderer.render(
        OperatorHarness.fleet("team", "edge", 1),
        List.of(OperatorHarness.bucket("team", "photos", "edge", "/photos", "creds")),
        resolved.secrets(),
        Map.of());
  }

  @Test
  void aLabelledSecretTheCacheDoesNotHoldYetIsReadWholeAndItsBucketIsAccepted() {
    ReferencedSecrets.Resolved lagging = resolve(Map.of(), server(stored(true)));

    assertThat(lagging.secrets()).singleElement().extracting(Secret::getData).isNotNull();
    assertThat(lagging.secrets().get(0).getData()).containsKeys("AWS_SECRET_ACCESS_KEY");
    assertThat(lagging.uncached()).containsExactly(CREDS);
    RenderResult result = render(lagging);
    assertThat(result.rejectedCount()).isZero();
    assertThat(result.acceptedCount()).isEqualTo(1);
  }

  @Test
  void theCopyReadWhileTheCacheLaggedAndTheCachedSecretAreDifferentRenderInputs() {
    ReferencedSecrets.Resolved lagging = resolve(Map.of(), server(stored(true)));
    ReferencedSecrets.Resolved caughtUp = resolve(server(stored(true)), server(stored(true)));

    // Same uid and resourceVersion: only the source tells them apart, so the render is redone.
    assertThat(lagging.versions()).isNotEqualTo(caughtUp.versions());
    assertThat(caughtUp.uncached()).isEmpty();
    assertThat(caughtUp.versions()).containsExactly("uid-1/42/CACHED");
  }

  @Test
  void anUnlabelledSecretIsNeverReadOnlyItsMetadataReachesTheRender() {
    ReferencedSecrets.Resolved unlabelled = resolve(Map.of(), server(stored(false)));

    Secret seen = unlabelled.secrets().get(0);
    assertThat(seen.getData()).isNullOrEmpty();
    assertThat(seen.getMetadata().getName()).isEqualTo("creds");
    assertThat(unlabelled.versions()).containsExactly("uid-1/42/METADATA_ONLY");
    assertThat(unlabelled.uncached()).containsExactly(CREDS);
    assertThat(render(unlabelled).byBucket().get(new ObjectKey("team", "photos")).resolvedRefs())
        .satisfies(v -> assertThat(v.reason().name()).isEqualTo("SecretNotLabelled"));
  }

  @Test
  void aMissingSecretIsUncachedAndNotRendered() {
    ReferencedSecrets.Resolved missing = resolve(Map.of(), Map.of());

    assertThat(missing.secrets()).isEmpty();
    assertThat(missing.versions()).isEmpty();
    assertThat(missing.uncached()).containsExactly(CREDS);
  }

  @Test
  void aFleetWithUncachedSecretsIsCheckedAgainAfterOneSecondDoublingUpToOneMinute() {
    assertThat(ReferencedSecrets.recheckAfter(1, 1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(ReferencedSecrets.recheckAfter(2, 1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ReferencedSecrets.recheckAfter(3, 1)).isEqualTo(Duration.ofSeconds(4));
    assertThat(ReferencedSecrets.recheckAfter(7, 1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(ReferencedSecrets.recheckAfter(30, 1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(ReferencedSecrets.recheckAfter(1, 0)).isEqualTo(Duration.ofMillis(500));
  }
}
