package io.yatagarasu.operator.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read from the environment.
 *
 * @param watchNamespaces namespaces to watch; empty means every namespace
 * @param defaultImage the proxy image of fleets that set no {@code spec.image}
 * @param leaseNamespace where the leader-election Lease lives; null turns leader election off
 * @param leaseName the Lease's name
 * @param leaseIdentity this replica's name in the Lease; null means the HOSTNAME (the pod's name)
 * @param exitOnLostLease exit when leadership is lost, so the pod restarts as a standby
 * @param httpPort port of /healthz, /readyz and /metrics (0 picks a free port)
 * @param serviceMonitorCrdCheck how long the presence of the ServiceMonitor CRD is remembered
 */
public record OperatorSettings(
    Set<String> watchNamespaces,
    String defaultImage,
    String leaseNamespace,
    String leaseName,
    String leaseIdentity,
    boolean exitOnLostLease,
    int httpPort,
    Duration serviceMonitorCrdCheck) {
  public static final String WATCH_NAMESPACES = "YATAGARASU_WATCH_NAMESPACES";
  public static final String PROXY_IMAGE = "YATAGARASU_PROXY_IMAGE";
  public static final String LEASE_NAMESPACE = "YATAGARASU_LEASE_NAMESPACE";
  public static final String LEASE_NAME = "YATAGARASU_LEASE_NAME";
  public static final String HTTP_PORT = "YATAGARASU_HTTP_PORT";
  public static final String POD_NAME = "POD_NAME";
  public static final String DEFAULT_IMAGE = "ghcr.io/yatagarasu/yatagarasu-proxy:0.1.0";

  public OperatorSettings {
    watchNamespaces = Set.copyOf(Objects.requireNonNull(watchNamespaces, "watchNamespaces"));
    Objects.requireNonNull(defaultImage, "defaultImage");
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(serviceMonitorCrdCheck, "serviceMonitorCrdCheck");
    if (defaultImage.isBlank()) {
      throw new IllegalArgumentException(PROXY_IMAGE + ": must not be empty");
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException(HTTP_PORT + ": " + httpPort + " (expected: 0..65535)");
    }
  }

  /** Reads the settings; unset variables take their defaults. */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String namespaces = env.getOrDefault(WATCH_NAMESPACES, "");
    String port = env.getOrDefault(HTTP_PORT, "8081");
    int httpPort;
    try {
      httpPort = Integer.parseInt(port.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          HTTP_PORT + ": \"" + port + "\" is not a port (expected: 0..65535)", e);
    }
    String leaseNamespace = env.get(LEASE_NAMESPACE);
    return new OperatorSettings(
        Arrays.stream(namespaces.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet()),
        env.getOrDefault(PROXY_IMAGE, DEFAULT_IMAGE),
        leaseNamespace == null || leaseNamespace.isBlank() ? null : leaseNamespace.trim(),
        env.getOrDefault(LEASE_NAME, "yatagarasu-operator"),
        env.get(POD_NAME),
        true,
        httpPort,
        Duration.ofMinutes(1));
  }
}
