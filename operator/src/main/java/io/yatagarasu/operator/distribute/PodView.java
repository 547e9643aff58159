package io.yatagarasu.operator.distribute;

import io.yatagarasu.config.ProxyConfig;

/**
 * How a pod sees the fleet's snapshot. In Kubernetes every pod has its own network namespace and
 * mounts, so it runs the snapshot as rendered ({@link #AS_RENDERED}). Several proxies sharing one
 * host (the end-to-end tests, on 127.0.0.x) each bind their own address and read their own token
 * file instead; the distributor pushes, and compares hashes against, that per-pod view.
 */
@FunctionalInterface
public interface PodView {
  PodView AS_RENDERED = (podIp, config) -> config;

  /** The configuration the pod at {@code podIp} runs for the fleet's {@code config}. */
  ProxyConfig configFor(String podIp, ProxyConfig config);
}
