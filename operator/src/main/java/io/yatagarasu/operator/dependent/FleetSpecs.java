package io.yatagarasu.operator.dependent;

import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.Durations;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.operator.crd.AutoscalingSettings;
import io.yatagarasu.operator.crd.Monitoring;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.crd.ServiceAccountSettings;
import io.yatagarasu.operator.crd.ServiceSettings;
import java.time.Duration;

/** A fleet's spec with the defaults filled in, for the objects the fleet owns. */
public final class FleetSpecs {
  public static final int DEFAULT_REPLICAS = 2;
  public static final int GRACE_MARGIN_SECONDS = 5;
  public static final int DEFAULT_SERVICE_HTTP_PORT = 80;
  public static final String DEFAULT_SCRAPE_INTERVAL = "30s";

  private FleetSpecs() {}

  public static S3ProxyConfigSpec spec(S3ProxyConfig fleet) {
    return fleet.getSpec() == null ? new S3ProxyConfigSpec() : fleet.getSpec();
  }

  /** spec.replicas or its default; with autoscaling see {@link #deploymentReplicas}. */
  public static int replicas(S3ProxyConfig fleet) {
    Integer replicas = spec(fleet).getReplicas();
    return replicas == null ? DEFAULT_REPLICAS : replicas;
  }

  /** The fleet's autoscaling settings, or null when the operator sets the replicas. */
  public static AutoscalingSettings autoscaling(S3ProxyConfig fleet) {
    return spec(fleet).getAutoscaling();
  }

  /** Whether a HorizontalPodAutoscaler, not the operator, sets the Deployment's replicas. */
  public static boolean autoscaled(S3ProxyConfig fleet) {
    return autoscaling(fleet) != null;
  }

  /** The autoscaler's lower bound: as set, else the HorizontalPodAutoscaler's default of 1. */
  public static int minReplicas(S3ProxyConfig fleet) {
    AutoscalingSettings autoscaling = autoscaling(fleet);
    Integer min = autoscaling == null ? null : autoscaling.getMinReplicas();
    return min == null ? 1 : Math.max(1, min);
  }

  /**
   * The autoscaler's upper bound, never below {@link #minReplicas} (the CRD refuses that; an API
   * server without the CRD's rules must not get an autoscaler it would refuse either).
   */
  public static int maxReplicas(S3ProxyConfig fleet) {
    AutoscalingSettings autoscaling = autoscaling(fleet);
    Integer max = autoscaling == null ? null : autoscaling.getMaxReplicas();
    return Math.max(minReplicas(fleet), max == null ? 0 : max);
  }

  /**
   * The replicas the operator writes on the Deployment. Without autoscaling: {@link #replicas}.
   * With it: the Deployment's live count, which the autoscaler owns, brought into the autoscaler's
   * range (an autoscaler never scales a Deployment up from 0); before the Deployment exists, the
   * range's minimum.
   */
  public static int deploymentReplicas(S3ProxyConfig fleet, Integer live) {
    if (!autoscaled(fleet)) {
      return replicas(fleet);
    }
    int min = minReplicas(fleet);
    if (live == null) {
      return min;
    }
    return Math.min(Math.max(live, min), maxReplicas(fleet));
  }

  /** Whether the fleet may run more than one pod: then a PodDisruptionBudget protects it. */
  public static boolean mayRunSeveralPods(S3ProxyConfig fleet) {
    return autoscaled(fleet) ? maxReplicas(fleet) > 1 : replicas(fleet) > 1;
  }

  public static int dataPort(S3ProxyConfig fleet) {
    var server = spec(fleet).getServer();
    return server == null || server.getPort() == null
        ? ServerConfig.defaults().listen().port()
        : server.getPort();
  }

  public static int adminPort(S3ProxyConfig fleet) {
    var server = spec(fleet).getServer();
    return server == null || server.getAdminPort() == null
        ? AdminConfig.defaults().listen().port()
        : server.getAdminPort();
  }

  /**
   * The pod's termination grace period: as set, or long enough for the proxy's drain delay and
   * shutdown grace period plus {@link #GRACE_MARGIN_SECONDS}, so the kubelet never kills a pod that
   * is still finishing requests.
   */
  public static int graceSeconds(S3ProxyConfig fleet) {
    Integer seconds = spec(fleet).getTerminationGracePeriodSeconds();
    if (seconds != null) {
      return seconds;
    }
    ServerConfig d = ServerConfig.defaults();
    var server = spec(fleet).getServer();
    Duration drain = d.drainDelay();
    Duration grace = d.shutdownGracePeriod();
    if (server != null) {
      drain = parseOr(server.getDrainDelay(), drain);
      grace = parseOr(server.getShutdownGracePeriod(), grace);
    }
    Duration total = drain.plus(grace);
    long whole = total.getSeconds() + (total.getNano() > 0 ? 1 : 0);
    return (int) Math.min(whole + GRACE_MARGIN_SECONDS, Integer.MAX_VALUE);
  }

  // An unparsable duration is reported by the renderer; the pod keeps the default meanwhile.
  private static Duration parseOr(String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  public static ServiceSettings service(S3ProxyConfig fleet) {
    ServiceSettings service = spec(fleet).getService();
    return service == null ? new ServiceSettings() : service;
  }

  public static int serviceHttpPort(S3ProxyConfig fleet) {
    Integer port = service(fleet).getHttpPort();
    return port == null ? DEFAULT_SERVICE_HTTP_PORT : port;
  }

  public static int serviceAdminPort(S3ProxyConfig fleet) {
    Integer port = service(fleet).getAdminPort();
    return port == null ? AdminConfig.defaults().listen().port() : port;
  }

  public static Monitoring.ServiceMonitorSettings serviceMonitor(S3ProxyConfig fleet) {
    Monitoring monitoring = spec(fleet).getMonitoring();
    return monitoring == null || monitoring.getServiceMonitor() == null
        ? new Monitoring.ServiceMonitorSettings()
        : monitoring.getServiceMonitor();
  }

  public static boolean serviceMonitorEnabled(S3ProxyConfig fleet) {
    return Boolean.TRUE.equals(serviceMonitor(fleet).getEnabled());
  }

  public static ServiceAccountSettings serviceAccount(S3ProxyConfig fleet) {
    ServiceAccountSettings account = spec(fleet).getServiceAccount();
    return account == null ? new ServiceAccountSettings() : account;
  }

  /** Whether the operator creates the fleet's ServiceAccount: when the spec names none. */
  public static boolean ownsServiceAccount(S3ProxyConfig fleet) {
    String name = serviceAccount(fleet).getName();
    return name == null || name.isBlank();
  }

  /** The ServiceAccount the proxy pods run as. */
  public static String serviceAccountName(S3ProxyConfig fleet) {
    return ownsServiceAccount(fleet)
        ? FleetNames.serviceAccount(fleet)
        : serviceAccount(fleet).getName();
  }

  /**
   * Whether the pods mount their ServiceAccount token: as set, else only when a bucket signs with
   * the pod's identity (IRSA and EKS Pod Identity read the token the pod runs with).
   */
  public static boolean automountToken(S3ProxyConfig fleet, boolean usesPodIdentity) {
    Boolean automount = serviceAccount(fleet).getAutomountToken();
    return automount == null ? usesPodIdentity : automount;
  }
}
