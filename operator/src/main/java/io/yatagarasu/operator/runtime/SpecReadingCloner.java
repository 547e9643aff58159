package io.yatagarasu.operator.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.Cloner;
import io.yatagarasu.operator.crd.ReadTolerantly;
import java.util.Objects;

/**
 * JOSDK's cloner (a copy through JSON) that also carries a spec's {@link
 * io.yatagarasu.operator.crd.SpecReading}: the copy a reconciler gets was serialized without the
 * fields this version did not understand, so only the original knows about them.
 */
final class SpecReadingCloner implements Cloner {
  private final KubernetesClient client;

  SpecReadingCloner(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public <R extends HasMetadata> R clone(R object) {
    R copy = client.getKubernetesSerialization().clone(object);
    if (object instanceof CustomResource<?, ?> original
        && copy instanceof CustomResource<?, ?> cloned
        && original.getSpec() instanceof ReadTolerantly from
        && cloned.getSpec() instanceof ReadTolerantly to) {
      to.reading(from.reading());
    }
    return copy;
  }
}
