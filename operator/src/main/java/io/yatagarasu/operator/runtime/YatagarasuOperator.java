package io.yatagarasu.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.yatagarasu.operator.dependent.ServiceMonitors;
import io.yatagarasu.operator.distribute.Distributor;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.reconciler.FleetRegistry;
import io.yatagarasu.operator.reconciler.S3ProxyBucketReconciler;
import io.yatagarasu.operator.reconciler.S3ProxyConfigReconciler;
import java.time.Clock;
import java.util.Objects;

/**
 * The operator: both controllers on one JOSDK {@link Operator}, sharing a {@link FleetRegistry}.
 * Status is patched and owned objects are updated without server-side apply, so the operator
 * behaves the same on every API server (and the fabric8 mock server in tests).
 */
public final class YatagarasuOperator implements AutoCloseable {
  private final Operator operator;
  private final Distributor distributor;

  private YatagarasuOperator(Operator operator, Distributor distributor) {
    this.operator = operator;
    this.distributor = distributor;
  }

  public static YatagarasuOperator create(
      KubernetesClient client, OperatorSettings settings, OperatorMetrics metrics, Clock clock) {
    return create(client, settings, metrics, clock, DistributorSettings.defaults());
  }

  /** An operator whose snapshot pushes follow {@code distribution}. */
  public static YatagarasuOperator create(
      KubernetesClient client,
      OperatorSettings settings,
      OperatorMetrics metrics,
      Clock clock,
      DistributorSettings distribution) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(settings, "settings");
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withResourceCloner(new SpecReadingCloner(client))
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()));
              if (settings.leaseNamespace() != null) {
                o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        settings.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        settings.leaseIdentity(),
                        null,
                        settings.exitOnLostLease()));
              }
            });
    FleetRegistry registry = new FleetRegistry();
    Distributor distributor = new Distributor(distribution, metrics);
    ServiceMonitors serviceMonitors =
        new ServiceMonitors(client, settings.serviceMonitorCrdCheck(), clock);
    S3ProxyConfigReconciler fleets =
        new S3ProxyConfigReconciler(
            registry, metrics, serviceMonitors, settings.defaultImage(), clock, distributor);
    S3ProxyBucketReconciler buckets = new S3ProxyBucketReconciler(registry, metrics, clock);
    if (settings.watchNamespaces().isEmpty()) {
      operator.register(fleets);
      operator.register(buckets);
    } else {
      operator.register(fleets, c -> c.settingNamespaces(settings.watchNamespaces()));
      operator.register(buckets, c -> c.settingNamespaces(settings.watchNamespaces()));
    }
    return new YatagarasuOperator(operator, distributor);
  }

  /** Starts the controllers; with leader election, only once this replica holds the Lease. */
  public void start() {
    operator.start();
  }

  /** Started, and every informer is connected and synced. */
  public boolean ready() {
    try {
      var info = operator.getRuntimeInfo();
      return info.isStarted() && info.allEventSourcesAreHealthy();
    } catch (RuntimeException e) {
      // Asked while the controllers are still starting.
      return false;
    }
  }

  @Override
  public void close() {
    operator.stop();
    distributor.close();
  }
}
