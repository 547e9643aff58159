package io.yatagarasu.operator.dependent;

import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.operator.crd.Monitoring;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.crd.ServiceSettings;

/** A fleet's spec with the defaults filled in, for the objects the fleet owns. */
public final class FleetSpecs {
  public static final int DEFAULT_REPLICAS = 2;
  public static final int DEFAULT_GRACE_SECONDS = 30;
  public static final int DEFAULT_SERVICE_HTTP_PORT = 80;
  public static final String DEFAULT_SCRAPE_INTERVAL = "30s";

  private FleetSpecs() {}

  public static S3ProxyConfigSpec spec(S3ProxyConfig fleet) {
    return fleet.getSpec() == null ? new S3ProxyConfigSpec() : fleet.getSpec();
  }

  public static int replicas(S3ProxyConfig fleet) {
    Integer replicas = spec(fleet).getReplicas();
    return replicas == null ? DEFAULT_REPLICAS : replicas;
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

  public static int graceSeconds(S3ProxyConfig fleet) {
    Integer seconds = spec(fleet).getTerminationGracePeriodSeconds();
    return seconds == null ? DEFAULT_GRACE_SECONDS : seconds;
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
}
