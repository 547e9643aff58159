package io.yatagarasu.proxy.admin;

import io.yatagarasu.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * The error lines of a pushed snapshot the proxy cannot parse. Keys this release does not know
 * mostly mean the snapshot was rendered by a newer operator; the first line says so and names them,
 * since that line is what the operator shows in its fleet's status for the pod.
 */
final class SnapshotRejection {
  private SnapshotRejection() {}

  static List<String> errors(ConfigException e) {
    if (e.unknownKeys().isEmpty()) {
      return e.errors();
    }
    List<String> errors = new ArrayList<>(e.errors().size() + 1);
    errors.add(summary(e.unknownKeys()));
    errors.addAll(e.errors());
    return errors;
  }

  static String summary(List<String> unknownKeys) {
    return "snapshot keys unknown to this proxy: "
        + String.join(", ", unknownKeys)
        + "; this proxy is older than the operator that rendered the snapshot: upgrade the proxy"
        + " image to the operator's release (or roll the operator back); until then it keeps"
        + " serving its current snapshot";
  }
}
