package io.yatagarasu.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.yatagarasu.operator.dependent.ServiceMonitors;
import io.yatagarasu.operator.distribute.Distributor;
import io.yatagarasu.operator.distribute.DistributorSettings;
import io.yatagarasu.operator.events.EventRecorder;
import io.yatagarasu.operator.events.FleetEvents;
import io.yatagarasu.operator.reconciler.FleetRegistry;
import io.yatagarasu.operator.reconciler.S3ProxyBucketReconciler;
import io.yatagarasu.operator.reconciler.S3ProxyConfigReconciler;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: both controllers on one JOSDK {@link Operator}, sharing a {@link FleetRegistry}.
 * Status is patched and owned objects are updated without server-side apply, so the operator
 * behaves the same on every API server (and the fabric8 mock server in tests).
 */
public final class YatagarasuOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(YatagarasuOperator.class);

  private final Operator operator;
  private final Distributor distributor;
  private final EventRecorder recorder;
  private final AtomicBoolean leading;
  private final boolean electsLeader;

  private YatagarasuOperator(
      Operator operator,
      Distributor distributor,
      EventRecorder recorder,
      AtomicBoolean leading,
      boolean electsLeader) {
    this.operator = operator;
    this.distributor = distributor;
    this.recorder = recorder;
    this.leading = leading;
    this.electsLeader = electsLeader;
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
    AtomicBoolean leading = new AtomicBoolean(false);
    String lease = settings.leaseNamespace() + "/" + settings.leaseName();
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {
              leading.set(true);
              LOG.info("leading lease={}: this replica reconciles", lease);
            },
            () -> {
              leading.set(false);
              LOG.warn("stopped leading lease={}", lease);
            },
            leader -> LOG.info("leader lease={} identity={}", lease, leader));
    metrics.leader(leading::get);
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
                        callbacks,
                        settings.exitOnLostLease()));
              }
            });
    FleetRegistry registry = new FleetRegistry();
    Distributor distributor = new Distributor(distribution, metrics);
    EventRecorder recorder =
        new EventRecorder(
            client,
            settings.leaseIdentity() != null ? settings.leaseIdentity() : System.getenv("HOSTNAME"),
            clock,
            EventRecorder.Settings.defaults());
    FleetEvents events = new FleetEvents(recorder);
    distributor.onEvents(events);
    ServiceMonitors serviceMonitors =
        new ServiceMonitors(client, settings.serviceMonitorCrdCheck(), clock);
    S3ProxyConfigReconciler fleets =
        new S3ProxyConfigReconciler(
            registry,
            metrics,
            serviceMonitors,
            settings.defaultImage(),
            clock,
            distributor,
            events);
    S3ProxyBucketReconciler buckets = new S3ProxyBucketReconciler(registry, metrics, clock, events);
    if (settings.watchNamespaces().isEmpty()) {
      operator.register(fleets);
      operator.register(buckets);
    } else {
      operator.register(fleets, c -> c.settingNamespaces(settings.watchNamespaces()));
      operator.register(buckets, c -> c.settingNamespaces(settings.watchNamespaces()));
    }
    return new YatagarasuOperator(
        operator, distributor, recorder, leading, settings.leaseNamespace() != null);
  }

  /**
   * Starts the informers; with leader election, reconciling starts only once this replica holds the
   * Lease, while a standby keeps its caches warm to take over.
   */
  public void start() {
    operator.start();
    if (!electsLeader) {
      leading.set(true);
    }
  }

  /** Whether this replica reconciles: it holds the Lease, or leader election is off. */
  public boolean leader() {
    return leading.get();
  }

  /**
   * Started, and every informer is connected and synced. A standby is ready too: it can take over
   * at once, and a rollout must not wait for a Lease that only one replica can hold.
   */
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
    leading.set(false);
    operator.stop();
    distributor.close();
    recorder.close();
  }
}
