package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitorBuilder;
import io.yatagarasu.operator.crd.Monitoring;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fleet's ServiceMonitor. Not a watched dependent: an informer on ServiceMonitors would stop
 * the operator from starting where the Prometheus Operator is not installed. Instead the CRD's
 * presence is checked (and remembered for a while), and the ServiceMonitor is read, created or
 * updated on each reconcile of the fleet.
 */
public final class ServiceMonitors {
  public static final String CRD = "servicemonitors.monitoring.coreos.com";

  /** What happened to the fleet's ServiceMonitor. */
  public enum Outcome {
    /** Enabled and applied. */
    APPLIED,
    /** Disabled: none exists (one left from before is deleted). */
    DISABLED,
    /** Enabled, but the Prometheus Operator's CRD is not installed. */
    CRD_MISSING
  }

  private final KubernetesClient client;
  private final Duration crdCheckInterval;
  private final Clock clock;
  private volatile Instant checkedAt = Instant.MIN;
  private volatile boolean crdPresent;

  public ServiceMonitors(KubernetesClient client, Duration crdCheckInterval, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.crdCheckInterval = Objects.requireNonNull(crdCheckInterval, "crdCheckInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Outcome reconcile(S3ProxyConfig fleet) {
    boolean enabled = FleetSpecs.serviceMonitorEnabled(fleet);
    if (!crdPresent()) {
      return enabled ? Outcome.CRD_MISSING : Outcome.DISABLED;
    }
    var existing =
        client
            .resources(ServiceMonitor.class)
            .inNamespace(fleet.getMetadata().getNamespace())
            .withName(FleetNames.serviceMonitor(fleet));
    ServiceMonitor actual = existing.get();
    if (!enabled) {
      if (actual != null && isOurs(actual)) {
        existing.delete();
      }
      return Outcome.DISABLED;
    }
    ServiceMonitor desired = desired(fleet);
    if (actual == null) {
      client.resource(desired).create();
    } else if (!Objects.equals(actual.getSpec(), desired.getSpec())
        || !actual.getMetadata().getLabels().equals(desired.getMetadata().getLabels())) {
      desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      client.resource(desired).update();
    }
    return Outcome.APPLIED;
  }

  static ServiceMonitor desired(S3ProxyConfig fleet) {
    Monitoring.ServiceMonitorSettings settings = FleetSpecs.serviceMonitor(fleet);
    Map<String, String> labels = new LinkedHashMap<>();
    if (settings.getLabels() != null) {
      labels.putAll(settings.getLabels());
    }
    labels.putAll(FleetNames.labels(fleet, FleetNames.SERVICE_MONITOR));
    Map<String, String> serviceLabels = new LinkedHashMap<>(FleetNames.selector(fleet));
    serviceLabels.put(io.yatagarasu.operator.render.Labels.COMPONENT, FleetNames.SERVICE);
    return new ServiceMonitorBuilder()
        .withNewMetadata()
        .withName(FleetNames.serviceMonitor(fleet))
        .withNamespace(fleet.getMetadata().getNamespace())
        .withLabels(labels)
        .addNewOwnerReference()
        .withApiVersion(fleet.getApiVersion())
        .withKind(fleet.getKind())
        .withName(fleet.getMetadata().getName())
        .withUid(fleet.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(serviceLabels)
        .endSelector()
        .addNewEndpoint()
        .withPort(DeploymentDependentResource.ADMIN_PORT_NAME)
        .withPath("/metrics")
        .withInterval(
            settings.getInterval() == null
                ? FleetSpecs.DEFAULT_SCRAPE_INTERVAL
                : settings.getInterval())
        .endEndpoint()
        .endSpec()
        .build();
  }

  private static boolean isOurs(ServiceMonitor monitor) {
    Map<String, String> labels = monitor.getMetadata().getLabels();
    return labels != null
        && FleetNames.MANAGED_BY.equals(
            labels.get(io.yatagarasu.operator.render.Labels.APP_MANAGED_BY));
  }

  private boolean crdPresent() {
    Instant now = clock.instant();
    if (Duration.between(checkedAt, now).compareTo(crdCheckInterval) >= 0) {
      try {
        crdPresent =
            client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() != null;
      } catch (KubernetesClientException e) {
        // No permission to read CRDs looks the same to the user as no CRD: report it as missing.
        crdPresent = false;
      }
      checkedAt = now;
    }
    return crdPresent;
  }
}
