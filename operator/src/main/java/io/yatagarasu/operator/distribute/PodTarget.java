package io.yatagarasu.operator.distribute;

import java.util.Objects;

/**
 * A running proxy pod the distributor pushes to.
 *
 * @param name the Pod's name
 * @param instance changes whenever the pod's process may have restarted (uid, IP and container
 *     restart count), so the distributor forgets what the previous process acknowledged
 * @param ip the Pod's IP
 * @param adminPort the port of its admin listener
 * @param ready whether the Pod's Ready condition is True; only ready pods count for Programmed
 */
public record PodTarget(String name, String instance, String ip, int adminPort, boolean ready) {
  public PodTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(ip, "ip");
    if (adminPort < 1 || adminPort > 65535) {
      throw new IllegalArgumentException("adminPort: " + adminPort + " (expected: 1-65535)");
    }
  }
}
