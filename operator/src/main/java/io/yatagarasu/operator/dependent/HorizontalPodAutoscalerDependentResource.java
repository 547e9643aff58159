package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.AutoscalingSettings;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet's autoscaler ({@code autoscaling/v2}), scaling its Deployment; exists only while {@code
 * spec.autoscaling} is set. The Deployment then keeps whatever replica count the autoscaler gave it
 * ({@link FleetSpecs#deploymentReplicas}).
 */
public class HorizontalPodAutoscalerDependentResource
    extends FleetDependent<HorizontalPodAutoscaler> {
  /** The CPU target when none is set: the HorizontalPodAutoscaler's own default. */
  static final int DEFAULT_CPU_PERCENT = 80;

  public HorizontalPodAutoscalerDependentResource() {
    super(HorizontalPodAutoscaler.class, FleetNames.AUTOSCALER);
  }

  /** Whether the fleet should have an autoscaler. */
  public static boolean wanted(S3ProxyConfig fleet) {
    return FleetSpecs.autoscaled(fleet);
  }

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.autoscaler(fleet);
  }

  @Override
  protected HorizontalPodAutoscaler desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    return desired(fleet);
  }

  HorizontalPodAutoscaler desired(S3ProxyConfig fleet) {
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(metadata(fleet))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(FleetNames.deployment(fleet))
        .endScaleTargetRef()
        .withMinReplicas(FleetSpecs.minReplicas(fleet))
        .withMaxReplicas(FleetSpecs.maxReplicas(fleet))
        .withMetrics(metrics(FleetSpecs.autoscaling(fleet)))
        .endSpec()
        .build();
  }

  private static List<MetricSpec> metrics(AutoscalingSettings autoscaling) {
    List<MetricSpec> metrics = new ArrayList<>();
    Integer cpu = autoscaling.getTargetCPUUtilizationPercentage();
    Integer memory = autoscaling.getTargetMemoryUtilizationPercentage();
    AutoscalingSettings.PodsMetric pods = autoscaling.getPodsMetric();
    boolean podsMetric = pods != null && pods.getName() != null && pods.getAverageValue() != null;
    if (cpu == null && memory == null && !podsMetric) {
      cpu = DEFAULT_CPU_PERCENT;
    }
    if (cpu != null) {
      metrics.add(utilization("cpu", cpu));
    }
    if (memory != null) {
      metrics.add(utilization("memory", memory));
    }
    if (podsMetric) {
      metrics.add(
          new MetricSpecBuilder()
              .withType("Pods")
              .withNewPods()
              .withNewMetric()
              .withName(pods.getName())
              .endMetric()
              .withNewTarget()
              .withType("AverageValue")
              .withAverageValue(new Quantity(pods.getAverageValue()))
              .endTarget()
              .endPods()
              .build());
    }
    return metrics;
  }

  private static MetricSpec utilization(String resource, int percent) {
    return new MetricSpecBuilder()
        .withType("Resource")
        .withNewResource()
        .withName(resource)
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(percent)
        .endTarget()
        .endResource()
        .build();
  }
}
