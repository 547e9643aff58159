package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.ServiceSettings;

/** The Service in front of the proxy pods, with the ports {@code http} and {@code admin}. */
public class ServiceDependentResource extends FleetDependent<Service> {
  public ServiceDependentResource() {
    super(Service.class, FleetNames.SERVICE);
  }

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.service(fleet);
  }

  @Override
  protected Service desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    ServiceSettings settings = FleetSpecs.service(fleet);
    Service service =
        new ServiceBuilder()
            .withMetadata(metadata(fleet))
            .withNewSpec()
            .withType(settings.getType() == null ? "ClusterIP" : settings.getType().name())
            .withSelector(FleetNames.selector(fleet))
            .addNewPort()
            .withName(DeploymentDependentResource.HTTP_PORT_NAME)
            .withPort(FleetSpecs.serviceHttpPort(fleet))
            .withTargetPort(new IntOrString(DeploymentDependentResource.HTTP_PORT_NAME))
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName(DeploymentDependentResource.ADMIN_PORT_NAME)
            .withPort(FleetSpecs.serviceAdminPort(fleet))
            .withTargetPort(new IntOrString(DeploymentDependentResource.ADMIN_PORT_NAME))
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    if (settings.getAnnotations() != null) {
      service.getMetadata().getAnnotations().putAll(settings.getAnnotations());
    }
    return service;
  }
}
