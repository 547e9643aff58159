package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;

/** Lets at most one proxy pod be evicted at a time; only exists when replicas > 1. */
public class PodDisruptionBudgetDependentResource extends FleetDependent<PodDisruptionBudget> {
  public PodDisruptionBudgetDependentResource() {
    super(PodDisruptionBudget.class, FleetNames.DISRUPTION_BUDGET);
  }

  /** Whether the fleet should have a PodDisruptionBudget. */
  public static boolean wanted(S3ProxyConfig fleet) {
    return FleetSpecs.replicas(fleet) > 1;
  }

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.disruptionBudget(fleet);
  }

  @Override
  protected PodDisruptionBudget desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(metadata(fleet))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(FleetNames.selector(fleet))
        .endSelector()
        .endSpec()
        .build();
  }
}
