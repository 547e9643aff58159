package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * An object a fleet owns, created and updated from {@link #desired}. Each kind watches only the
 * objects labelled with its component, and finds its object by name, never by guessing among the
 * fleet's other objects of the same kind (a user's Secret is never mistaken for one of ours).
 * Updates are plain updates, not server-side apply, so the same code runs against every API server.
 */
abstract class FleetDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, S3ProxyConfig> {
  private final String component;

  FleetDependent(Class<R> type, String component) {
    super(type, component);
    this.component = component;
    configureWith(
        new KubernetesDependentResourceConfigBuilder<R>()
            .withUseSSA(false)
            .withKubernetesDependentInformerConfig(
                InformerConfiguration.builder(type)
                    .withLabelSelector(FleetNames.COMPONENT_LABEL_SELECTOR_PREFIX + component)
                    .build())
            .build());
  }

  /** The name of this fleet's object of this kind. */
  abstract String name(S3ProxyConfig fleet);

  @Override
  public Optional<R> getSecondaryResource(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    return eventSource()
        .flatMap(
            source -> source.get(new ResourceID(name(fleet), fleet.getMetadata().getNamespace())));
  }

  /** Metadata with the fleet's labels and this kind's component label. */
  ObjectMeta metadata(S3ProxyConfig fleet) {
    return new ObjectMetaBuilder()
        .withName(name(fleet))
        .withNamespace(fleet.getMetadata().getNamespace())
        .withLabels(FleetNames.labels(fleet, component))
        .withAnnotations(new LinkedHashMap<>())
        .build();
  }
}
