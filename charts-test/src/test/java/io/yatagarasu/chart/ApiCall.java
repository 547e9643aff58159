package io.yatagarasu.chart;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * One request to the API server as RBAC sees it: verb, API group, resource (with subresource),
 * namespace (null for cluster-scoped and all-namespace requests) and object name.
 */
record ApiCall(String verb, String group, String resource, String namespace, String name) {

  /** The call a request stands for; empty for discovery and other non-resource paths. */
  static Optional<ApiCall> of(String method, String target) {
    URI uri = URI.create(target);
    String[] segments =
        Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    String group;
    int rest;
    if (segments.length >= 3 && segments[0].equals("api")) {
      group = "";
      rest = 2;
    } else if (segments.length >= 4 && segments[0].equals("apis")) {
      group = segments[1];
      rest = 3;
    } else {
      return Optional.empty();
    }
    String[] path = Arrays.copyOfRange(segments, rest, segments.length);
    String namespace = null;
    if (path.length >= 3 && path[0].equals("namespaces")) {
      namespace = path[1];
      path = Arrays.copyOfRange(path, 2, path.length);
    }
    String resource = path[0];
    String name = path.length > 1 ? path[1] : null;
    if (path.length > 2) {
      resource = resource + "/" + path[2];
    }
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (method) {
          case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return Optional.of(new ApiCall(verb, group, resource, namespace, name));
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "core" : group)
        + "/"
        + resource
        + (name == null ? "" : " " + name)
        + (namespace == null ? " (cluster-wide)" : " in " + namespace);
  }
}
