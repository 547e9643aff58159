package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;

/**
 * Lets at most one proxy pod be evicted at a time; exists while the fleet may run more than one pod
 * (replicas above 1, or an autoscaler whose maxReplicas is above 1). {@code maxUnavailable: 1}
 * rather than a {@code minAvailable} derived from the autoscaler's range: it is right at every size
 * the autoscaler picks, where {@code minAvailable: minReplicas} would block node drains whenever
 * the fleet runs at its minimum and {@code minReplicas - 1} would let most of a scaled-out fleet go
 * at once.
 */
public class PodDisruptionBudgetDependentResource extends FleetDependent<PodDisruptionBudget> {
  public PodDisruptionBudgetDependentResource() {
    super(PodDisruptionBudget.class, FleetNames.DISRUPTION_BUDGET);
  }

  /** Whether the fleet should have a PodDisruptionBudget. */
  public static boolean wanted(S3ProxyConfig fleet) {
    return FleetSpecs.mayRunSeveralPods(fleet);
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
