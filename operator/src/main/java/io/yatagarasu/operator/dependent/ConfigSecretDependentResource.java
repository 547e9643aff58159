package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.PodLayout;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The rendered-config Secret: the latest snapshot the operator validated, mounted read-only into
 * every proxy pod as its start-up configuration. A Secret, never a ConfigMap: it holds credentials.
 */
public class ConfigSecretDependentResource extends FleetDependent<Secret> {
  public ConfigSecretDependentResource() {
    super(Secret.class, FleetNames.CONFIG);
  }

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.configSecret(fleet);
  }

  @Override
  protected Secret desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    Snapshot snapshot =
        context
            .managedWorkflowAndDependentResourceContext()
            .getMandatory(Snapshot.CONTEXT_KEY, Snapshot.class);
    Secret secret =
        new SecretBuilder()
            .withMetadata(metadata(fleet))
            .withType("Opaque")
            .addToData(
                PodLayout.CONFIG_KEY,
                Base64.getEncoder()
                    .encodeToString(snapshot.document().getBytes(StandardCharsets.UTF_8)))
            .build();
    secret
        .getMetadata()
        .getAnnotations()
        .put(FleetNames.CONFIG_GENERATION_ANNOTATION, Long.toString(snapshot.generation()));
    secret.getMetadata().getAnnotations().put(FleetNames.CONFIG_HASH_ANNOTATION, snapshot.hash());
    return secret;
  }
}
