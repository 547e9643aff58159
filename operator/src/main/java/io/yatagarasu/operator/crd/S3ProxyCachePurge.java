package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A one-off purge of cached objects from every pod of a fleet, like a Job: its spec never changes,
 * its status counts the pods that purged, and it is deleted some time after it finished.
 */
@Group(S3ProxyConfig.GROUP)
@Version(S3ProxyConfig.VERSION)
@ShortNames({"s3purge"})
@AdditionalPrinterColumn(name = "Bucket", jsonPath = ".status.bucket")
@AdditionalPrinterColumn(name = "What", jsonPath = ".status.what")
@AdditionalPrinterColumn(name = "Pods", jsonPath = ".status.progress")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Complete",
    jsonPath = ".status.conditions[?(@.type==\"Complete\")].status")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Complete\")].reason",
    priority = 1)
@AdditionalPrinterColumn(name = "Proxy", jsonPath = ".status.proxy", priority = 1)
// An API server prunes undeclared top-level fields; any other source must not stop the informer.
@JsonIgnoreProperties(ignoreUnknown = true)
public class S3ProxyCachePurge
    extends CustomResource<S3ProxyCachePurgeSpec, S3ProxyCachePurgeStatus> implements Namespaced {

  @Override
  protected S3ProxyCachePurgeSpec initSpec() {
    return new S3ProxyCachePurgeSpec();
  }
}
