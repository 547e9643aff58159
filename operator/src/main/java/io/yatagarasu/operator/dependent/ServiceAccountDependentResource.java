package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ServiceAccount the proxy pods run as, when the fleet names no existing one. It carries the
 * annotations of spec.serviceAccount (an IRSA role ARN, say), so a cloud identity is granted to
 * this fleet alone and never to the namespace's default account.
 */
public class ServiceAccountDependentResource extends FleetDependent<ServiceAccount> {
  /**
   * The keys of the annotations taken from the spec, comma-separated: an annotation removed from
   * the spec is removed from the account, while annotations other controllers add are kept.
   */
  public static final String SPEC_ANNOTATIONS = "yatagarasu.io/spec-annotations";

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
    Map<String, String> sorted = annotations == null ? Map.of() : new TreeMap<>(annotations);
    account.getMetadata().getAnnotations().putAll(sorted);
    account.getMetadata().getAnnotations().put(SPEC_ANNOTATIONS, String.join(",", sorted.keySet()));
    return account;
  }

  /**
   * Removes the annotations the spec no longer has before the usual update, which only adds; the
   * matcher sees the change because the list in {@link #SPEC_ANNOTATIONS} differs.
   */
  @Override
  public ServiceAccount update(
      ServiceAccount actual,
      ServiceAccount desired,
      S3ProxyConfig fleet,
      Context<S3ProxyConfig> context) {
    Map<String, String> kept =
        new LinkedHashMap<>(
            actual.getMetadata().getAnnotations() == null
                ? Map.of()
                : actual.getMetadata().getAnnotations());
    String previous = kept.getOrDefault(SPEC_ANNOTATIONS, "");
    Arrays.stream(previous.split(","))
        .filter(key -> !key.isEmpty())
        .filter(key -> !desired.getMetadata().getAnnotations().containsKey(key))
        .forEach(kept::remove);
    ServiceAccount pruned =
        new ServiceAccountBuilder(actual)
            .editMetadata()
            .withAnnotations(kept)
            .endMetadata()
            .build();
    return super.update(pruned, desired, fleet, context);
  }
}
