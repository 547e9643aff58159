package io.yatagarasu.operator.reconciler;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * Writes a custom resource's status: the whole status subresource replaced under optimistic
 * locking, and the stored object handed to java-operator-sdk's cache so that the next reconcile
 * starts from it.
 *
 * <p>{@code UpdateControl.patchStatus} without server-side apply sends a JSON Patch computed
 * against the object the reconcile started from, without its resourceVersion. A JSON Patch
 * addresses list entries by index, so when that object was older than the stored one (the informer
 * had not delivered the previous write yet) the patch, applied to the newer lists, could duplicate
 * or drop entries: a pod listed twice in {@code status.tls.pods}, a condition twice. A replace with
 * the resourceVersion is refused with a conflict instead; the write then waits for the newer object
 * in the cache and puts the status on it.
 */
final class StatusWrites {
  private StatusWrites() {}

  /** Stores {@code resource}'s status as it is now; returns the stored object. */
  static <S, P extends CustomResource<?, S>> P replace(P resource, Context<P> context) {
    S status = resource.getStatus();
    return PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        resource,
        context,
        stored -> {
          stored.setStatus(status);
          return stored;
        });
  }
}
