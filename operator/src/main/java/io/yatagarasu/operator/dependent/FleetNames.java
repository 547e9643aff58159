package io.yatagarasu.operator.dependent;

import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of the objects a fleet owns. */
public final class FleetNames {
  public static final String PROXY = "proxy";
  public static final String SERVICE = "service";
  public static final String CONFIG = "config";
  public static final String ADMIN_TOKEN = "admin-token";
  public static final String DISRUPTION_BUDGET = "disruption-budget";
  public static final String SERVICE_MONITOR = "service-monitor";
  public static final String SERVICE_ACCOUNT = "service-account";
  public static final String AUTOSCALER = "autoscaler";
  public static final String TLS = "tls";
  public static final String MANAGED_BY = "yatagarasu-operator";
  public static final String APP = "yatagarasu-proxy";

  static final String COMPONENT_LABEL_SELECTOR_PREFIX =
      Labels.APP_MANAGED_BY + "=" + MANAGED_BY + "," + Labels.COMPONENT + "=";

  /** Annotations on the rendered-config Secret. */
  public static final String CONFIG_GENERATION_ANNOTATION = "yatagarasu.io/config-generation";

  public static final String CONFIG_HASH_ANNOTATION = "yatagarasu.io/config-hash";

  /** Annotations on the operator's TLS Secret: the certificate it holds and where it came from. */
  public static final String TLS_SERIAL_ANNOTATION = "yatagarasu.io/tls-serial";

  public static final String TLS_NOT_AFTER_ANNOTATION = "yatagarasu.io/tls-not-after";
  public static final String TLS_SOURCE_ANNOTATION = "yatagarasu.io/tls-source";

  private FleetNames() {}

  public static String deployment(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName();
  }

  public static String service(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName();
  }

  public static String configSecret(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName() + "-config";
  }

  public static String adminTokenSecret(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName() + "-admin-token";
  }

  public static String disruptionBudget(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName();
  }

  /**
   * The operator's copy of the last valid TLS Secret, which the pods mount; not {@code
   * <fleet>-tls}, the name users most often give their own.
   */
  public static String tlsSecret(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName() + "-proxy-tls";
  }

  public static String autoscaler(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName();
  }

  public static String serviceMonitor(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName();
  }

  /**
   * The ServiceAccount the operator creates for a fleet whose spec names none; the suffix keeps a
   * fleet named {@code default} off the namespace's own default account.
   */
  public static String serviceAccount(S3ProxyConfig fleet) {
    return fleet.getMetadata().getName() + "-proxy";
  }

  /** The labels that select a fleet's pods; never change them, a Deployment selector is fixed. */
  public static Map<String, String> selector(S3ProxyConfig fleet) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.APP_NAME, APP);
    labels.put(Labels.APP_INSTANCE, fleet.getMetadata().getName());
    return labels;
  }

  /** The labels of every object a fleet owns. */
  public static Map<String, String> labels(S3ProxyConfig fleet, String component) {
    Map<String, String> labels = selector(fleet);
    labels.put(Labels.APP_MANAGED_BY, MANAGED_BY);
    labels.put(Labels.FLEET, fleet.getMetadata().getName());
    labels.put(Labels.COMPONENT, component);
    return labels;
  }
}
