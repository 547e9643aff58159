package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.Map;

/**
 * The ServiceAccount the proxy pods run as, when the fleet names no existing one. It carries the
 * annotations of spec.serviceAccount (an IRSA role ARN, say), so a cloud identity is granted to
 * this fleet alone and never to the namespace's default account.
 */
public class ServiceAccountDependentResource extends FleetDependent<ServiceAccount> {
  public ServiceAccountDependentResource() {
    super(ServiceAccount.class, FleetNames.SERVICE_ACCOUNT);
  }

  /** Whether the fleet should have an operator-owned ServiceAccount. */
  public static boolean wanted(S3ProxyConfig fleet) {
    return FleetSpecs.ownsServiceAccount(fleet);
  }

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.serviceAccount(fleet);
  }

  @Override
  protected ServiceAccount desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    ServiceAccount account = new ServiceAccountBuilder().withMetadata(metadata(fleet)).build();
    Map<String, String> annotations = FleetSpecs.serviceAccount(fleet).getAnnotations();
    if (annotations != null) {
      account.getMetadata().getAnnotations().putAll(annotations);
    }
    return account;
  }
}
