package io.yatagarasu.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;

/**
 * The mock API server's CRUD dispatcher, plus the discovery documents kubectl reads before anything
 * else ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/GROUP/VERSION}) for the kinds
 * the operator and its examples use.
 */
public final class DiscoveryCrudDispatcher extends KubernetesCrudDispatcher {
  private static final String API_VERSIONS =
      "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
          + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";

  private static final Map<String, String> GROUPS =
      Map.of(
          "yatagarasu.io", "v1alpha1",
          "apps", "v1",
          "policy", "v1",
          "apiextensions.k8s.io", "v1",
          "coordination.k8s.io", "v1",
          "monitoring.coreos.com", "v1");

  private static final Map<String, String> RESOURCES =
      Map.of(
          "/api/v1",
          resources(
              "v1",
              resource("namespaces", "Namespace", false, ""),
              resource("secrets", "Secret", true, ""),
              resource("services", "Service", true, ""),
              resource("serviceaccounts", "ServiceAccount", true, "\"sa\""),
              resource("configmaps", "ConfigMap", true, ""),
              resource("events", "Event", true, "\"ev\"")),
          "/apis/yatagarasu.io/v1alpha1",
          resources(
              "yatagarasu.io/v1alpha1",
              resource("s3proxyconfigs", "S3ProxyConfig", true, "\"s3pc\",\"s3proxy\""),
              resource("s3proxybuckets", "S3ProxyBucket", true, "\"s3pb\",\"s3bucket\"")),
          "/apis/apps/v1",
          resources("apps/v1", resource("deployments", "Deployment", true, "")),
          "/apis/policy/v1",
          resources("policy/v1", resource("poddisruptionbudgets", "PodDisruptionBudget", true, "")),
          "/apis/apiextensions.k8s.io/v1",
          resources(
              "apiextensions.k8s.io/v1",
              resource("customresourcedefinitions", "CustomResourceDefinition", false, "")),
          "/apis/coordination.k8s.io/v1",
          resources("coordination.k8s.io/v1", resource("leases", "Lease", true, "")),
          "/apis/monitoring.coreos.com/v1",
          resources(
              "monitoring.coreos.com/v1", resource("servicemonitors", "ServiceMonitor", true, "")));

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    if ("GET".equals(request.getMethod())) {
      if (bare.equals("/api")) {
        return json(API_VERSIONS);
      }
      if (bare.equals("/apis")) {
        return json(groups());
      }
      if (RESOURCES.containsKey(bare)) {
        return json(RESOURCES.get(bare));
      }
      if (bare.startsWith("/openapi")) {
        return new MockResponse().setResponseCode(404).setBody("{}");
      }
    }
    return super.dispatch(request);
  }

  private static MockResponse json(String body) {
    return new MockResponse()
        .setResponseCode(200)
        .addHeader("Content-Type", "application/json")
        .setBody(body);
  }

  private static String groups() {
    StringBuilder out =
        new StringBuilder("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
    String separator = "";
    for (var group : GROUPS.entrySet()) {
      String version = group.getKey() + "/" + group.getValue();
      out.append(separator)
          .append("{\"name\":\"")
          .append(group.getKey())
          .append("\",\"versions\":[{\"groupVersion\":\"")
          .append(version)
          .append("\",\"version\":\"")
          .append(group.getValue())
          .append("\"}],\"preferredVersion\":{\"groupVersion\":\"")
          .append(version)
          .append("\",\"version\":\"")
          .append(group.getValue())
          .append("\"}}");
      separator = ",";
    }
    return out.append("]}").toString();
  }

  private static String resources(String groupVersion, String... resources) {
    return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
        + groupVersion
        + "\",\"resources\":["
        + String.join(",", resources)
        + "]}";
  }

  private static String resource(
      String plural, String kind, boolean namespaced, String shortNames) {
    return "{\"name\":\""
        + plural
        + "\",\"singularName\":\"\",\"namespaced\":"
        + namespaced
        + ",\"kind\":\""
        + kind
        + "\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]"
        + ",\"shortNames\":["
        + shortNames
        + "]}";
  }
}
