package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.PodLayout;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The admin-token Secret: 32 random bytes, generated when the fleet is created and never changed by
 * the operator (it has no update step), mounted into the proxy pods for {@code /admin/*}. Deleting
 * the Secret makes the operator generate a new token.
 */
public class AdminTokenSecretDependentResource
    extends KubernetesDependentResource<Secret, S3ProxyConfig>
    implements Creator<Secret, S3ProxyConfig>, GarbageCollected<S3ProxyConfig> {
  private static final SecureRandom RANDOM = new SecureRandom();

  public AdminTokenSecretDependentResource() {
    super(Secret.class, FleetNames.ADMIN_TOKEN);
    configureWith(
        new KubernetesDependentResourceConfigBuilder<Secret>()
            .withUseSSA(false)
            .withKubernetesDependentInformerConfig(
                InformerConfiguration.builder(Secret.class)
                    .withLabelSelector(
                        FleetNames.COMPONENT_LABEL_SELECTOR_PREFIX + FleetNames.ADMIN_TOKEN)
                    .build())
            .build());
  }

  @Override
  public Optional<Secret> getSecondaryResource(
      S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    return eventSource()
        .flatMap(
            source ->
                source.get(
                    new ResourceID(
                        FleetNames.adminTokenSecret(fleet), fleet.getMetadata().getNamespace())));
  }

  @Override
  protected Secret desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(FleetNames.adminTokenSecret(fleet))
        .withNamespace(fleet.getMetadata().getNamespace())
        .withLabels(FleetNames.labels(fleet, FleetNames.ADMIN_TOKEN))
        .withAnnotations(new LinkedHashMap<>())
        .endMetadata()
        .withType("Opaque")
        .addToData(
            PodLayout.ADMIN_TOKEN_KEY,
            Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.US_ASCII)))
        .build();
  }
}
