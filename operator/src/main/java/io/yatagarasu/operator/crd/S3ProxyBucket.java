package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One route of a fleet: requests under a path prefix are served from one S3 bucket. */
@Group(S3ProxyConfig.GROUP)
@Version(S3ProxyConfig.VERSION)
@ShortNames({"s3pb", "s3bucket"})
@AdditionalPrinterColumn(name = "Prefix", jsonPath = ".spec.pathPrefix")
@AdditionalPrinterColumn(name = "Bucket", jsonPath = ".spec.s3.bucket")
@AdditionalPrinterColumn(name = "Proxy", jsonPath = ".spec.proxyRef.name")
// Programmed says whether every ready pod serves the route; its reason says why not, including
// the Accepted or ResolvedRefs reason of a bucket left out of the snapshot.
@AdditionalPrinterColumn(
    name = "Programmed",
    jsonPath = ".status.conditions[?(@.type==\"Programmed\")].status")
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Programmed\")].reason")
@AdditionalPrinterColumn(
    name = "Accepted",
    jsonPath = ".status.conditions[?(@.type==\"Accepted\")].status",
    priority = 1)
@AdditionalPrinterColumn(
    name = "Resolved",
    jsonPath = ".status.conditions[?(@.type==\"ResolvedRefs\")].status",
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// An API server prunes undeclared top-level fields; any other source must not stop the informer.
@JsonIgnoreProperties(ignoreUnknown = true)
public class S3ProxyBucket extends CustomResource<S3ProxyBucketSpec, S3ProxyBucketStatus>
    implements Namespaced {

  @Override
  protected S3ProxyBucketSpec initSpec() {
    return new S3ProxyBucketSpec();
  }
}
