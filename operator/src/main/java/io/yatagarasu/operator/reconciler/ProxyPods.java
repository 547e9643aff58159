package io.yatagarasu.operator.reconciler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.yatagarasu.operator.distribute.PodTarget;

/** What the operator reads from a proxy Pod object: whether it runs, its address and restarts. */
final class ProxyPods {
  private ProxyPods() {}

  /**
   * The pod as an admin-API target, or null when it does not run (no IP, not Running, being
   * deleted).
   */
  static PodTarget target(Pod pod, int defaultAdminPort) {
    var status = pod.getStatus();
    if (status == null
        || status.getPodIP() == null
        || status.getPodIP().isEmpty()
        || pod.getMetadata().getDeletionTimestamp() != null
        || !"Running".equals(status.getPhase())) {
      return null;
    }
    return new PodTarget(
        pod.getMetadata().getName(),
        pod.getMetadata().getUid() + "/" + status.getPodIP() + "/" + restarts(pod),
        status.getPodIP(),
        adminPort(pod, defaultAdminPort),
        ready(pod));
  }

  static boolean ready(Pod pod) {
    var status = pod.getStatus();
    return status != null
        && status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(
                (PodCondition c) -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Container restarts summed over the pod's containers; it grows with each restart. */
  static int restarts(Pod pod) {
    var status = pod.getStatus();
    return status == null || status.getContainerStatuses() == null
        ? 0
        : status.getContainerStatuses().stream()
            .mapToInt((ContainerStatus c) -> c.getRestartCount() == null ? 0 : c.getRestartCount())
            .sum();
  }

  /** The pod's own admin container port (what its kubelet runs), else the snapshot's. */
  static int adminPort(Pod pod, int fallback) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return fallback;
    }
    for (Container container : pod.getSpec().getContainers()) {
      if (container.getPorts() == null) {
        continue;
      }
      for (ContainerPort port : container.getPorts()) {
        if ("admin".equals(port.getName()) && port.getContainerPort() != null) {
          return port.getContainerPort();
        }
      }
    }
    return fallback;
  }
}
