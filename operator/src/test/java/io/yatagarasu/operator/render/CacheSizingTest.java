package io.yatagarasu.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import org.junit.jupiter.api.Test;

/** How a fleet's cache is fitted into its pods' memory (the formula of docs/operator.md). */
class CacheSizingTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static CacheSizing sizing(String spec) {
    return CacheSizing.of(
        SERIALIZATION
            .unmarshal(
                "apiVersion: yatagarasu.io/v1alpha1\nkind: S3ProxyConfig\n"
                    + "metadata: {name: edge, namespace: apps}\nspec: "
                    + spec,
                S3ProxyConfig.class)
            .getSpec());
  }

  @Test
  void aCacheThatFitsGetsDirectMemoryForItselfAndTheRestOfTheLimitAsHeap() {
    CacheSizing sizing =
        sizing("{cache: {enabled: true, maxSize: 1Gi}, resources: {limits: {memory: 2Gi}}}");
    assertThat(sizing.problem()).isNull();
    // 1024Mi + 64Mi direct; 2048Mi - 1088Mi - 96Mi heap.
    assertThat(sizing.javaToolOptions()).isEqualTo("-XX:MaxDirectMemorySize=1088m -Xmx864m");
  }

  @Test
  void theDefaultMaxSizeIsSizedWhenOnlyEnabledIsSet() {
    assertThat(
            sizing("{cache: {enabled: true}, resources: {limits: {memory: 1Gi}}}")
                .javaToolOptions())
        .isEqualTo("-XX:MaxDirectMemorySize=320m -Xmx608m");
  }

  @Test
  void aCacheTooLargeForTheMemoryLimitIsRefusedWithTheNumbers() {
    CacheSizing sizing =
        sizing("{cache: {enabled: true, maxSize: 1Gi}, resources: {limits: {memory: 1Gi}}}");
    assertThat(sizing.javaToolOptions()).isNull();
    assertThat(sizing.problem())
        .startsWith("spec.cache.maxSize: 1024Mi of cache does not fit in the memory limit 1024Mi")
        .contains("1088Mi of direct memory", "1312Mi in all", "lower maxSize to 736Mi or less");
  }

  @Test
  void aLimitTooSmallForAnyCacheSaysSo() {
    assertThat(
            sizing("{cache: {enabled: true, maxSize: 16Mi}, resources: {limits: {memory: 256Mi}}}")
                .problem())
        .contains("304Mi in all", "the limit leaves no room for a cache");
  }

  @Test
  void withoutAMemoryLimitOnlyDirectMemoryIsSetAndNothingIsRefused() {
    CacheSizing sizing = sizing("{cache: {enabled: true, maxSize: 300Mi}}");
    assertThat(sizing.problem()).isNull();
    assertThat(sizing.javaToolOptions()).isEqualTo("-XX:MaxDirectMemorySize=364m");
  }

  @Test
  void noCacheMeansNoJvmOptionsAndNoCheck() {
    assertThat(sizing("{resources: {limits: {memory: 64Mi}}}"))
        .isEqualTo(new CacheSizing(null, null));
    assertThat(sizing("{cache: {maxSize: 1Ti}, resources: {limits: {memory: 64Mi}}}"))
        .isEqualTo(new CacheSizing(null, null));
  }

  @Test
  void theRendererRefusesTheFleetWhenTheCacheDoesNotFit() {
    S3ProxyConfig fleet =
        SERIALIZATION.unmarshal(
            """
            apiVersion: yatagarasu.io/v1alpha1
            kind: S3ProxyConfig
            metadata: {name: edge, namespace: apps}
            spec: {cache: {enabled: true, maxSize: 2Gi}, resources: {limits: {memory: 1Gi}}}
            """,
            S3ProxyConfig.class);
    RenderResult result =
        ConfigRenderer.render(fleet, java.util.List.of(), java.util.List.of(), java.util.Map.of());
    assertThat(result.config()).isNull();
    assertThat(result.fleetProblems())
        .singleElement()
        .asString()
        .startsWith("spec.cache.maxSize: 2048Mi of cache does not fit in the memory limit 1024Mi");
  }
}
