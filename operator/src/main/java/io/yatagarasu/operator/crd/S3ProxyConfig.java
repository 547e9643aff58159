package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One proxy fleet: the proxies' Deployment and the settings every bucket of the fleet shares. */
@Group(S3ProxyConfig.GROUP)
@Version(S3ProxyConfig.VERSION)
@ShortNames({"s3pc", "s3proxy"})
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Available",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Buckets",
    jsonPath = ".status.buckets.accepted",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Rejected",
    jsonPath = ".status.buckets.rejected",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Generation",
    jsonPath = ".status.configGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "CertSerial", jsonPath = ".status.tls.serialNumber", priority = 1)
@AdditionalPrinterColumn(
    name = "CertCurrent",
    jsonPath = ".status.conditions[?(@.type==\"CertificateCurrent\")].status",
    priority = 1)
@AdditionalPrinterColumn(name = "CertNotAfter", jsonPath = ".status.tls.notAfter", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// An API server prunes undeclared top-level fields; any other source must not stop the informer.
@JsonIgnoreProperties(ignoreUnknown = true)
public class S3ProxyConfig extends CustomResource<S3ProxyConfigSpec, S3ProxyConfigStatus>
    implements Namespaced {
  public static final String GROUP = "yatagarasu.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected S3ProxyConfigSpec initSpec() {
    return new S3ProxyConfigSpec();
  }
}
