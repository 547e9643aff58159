package io.yatagarasu.operator.reconciler;

import io.yatagarasu.operator.render.BucketOutcome;
import io.yatagarasu.operator.render.ObjectKey;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The latest bucket outcomes of every fleet, written by the S3ProxyConfig reconciler and read by
 * the S3ProxyBucket reconciler, so each kind's status has exactly one writer. Publishing tells a
 * listener which buckets' outcomes changed, and only those buckets are reconciled.
 */
public final class FleetRegistry {
  private final Map<ObjectKey, Map<ObjectKey, BucketOutcome>> outcomesByFleet =
      new ConcurrentHashMap<>();
  private final Map<ObjectKey, ObjectKey> fleetByBucket = new ConcurrentHashMap<>();
  private volatile Consumer<ObjectKey> changedBucketListener = bucket -> {};

  public void onBucketChanged(Consumer<ObjectKey> listener) {
    this.changedBucketListener = Objects.requireNonNull(listener, "listener");
  }

  /** Records a fleet's outcomes and notifies the listener of each bucket whose outcome changed. */
  public void publish(ObjectKey fleet, Map<ObjectKey, BucketOutcome> outcomes) {
    Map<ObjectKey, BucketOutcome> copy = Map.copyOf(outcomes);
    Map<ObjectKey, BucketOutcome> previous = outcomesByFleet.put(fleet, copy);
    Set<ObjectKey> changed = new HashSet<>();
    if (previous != null) {
      for (ObjectKey bucket : previous.keySet()) {
        if (!copy.containsKey(bucket)) {
          fleetByBucket.remove(bucket, fleet);
          changed.add(bucket);
        }
      }
    }
    for (var entry : copy.entrySet()) {
      fleetByBucket.put(entry.getKey(), fleet);
      if (previous == null || !entry.getValue().equals(previous.get(entry.getKey()))) {
        changed.add(entry.getKey());
      }
    }
    changed.forEach(changedBucketListener);
  }

  /** Forgets a deleted fleet. */
  public void forget(ObjectKey fleet) {
    Map<ObjectKey, BucketOutcome> previous = outcomesByFleet.remove(fleet);
    if (previous != null) {
      previous.keySet().forEach(bucket -> fleetByBucket.remove(bucket, fleet));
    }
  }

  /** The bucket's outcome in the given fleet's latest render, if it took part in it. */
  public Optional<BucketOutcome> outcome(ObjectKey fleet, ObjectKey bucket) {
    Map<ObjectKey, BucketOutcome> outcomes = outcomesByFleet.get(fleet);
    return outcomes == null ? Optional.empty() : Optional.ofNullable(outcomes.get(bucket));
  }

  /** Whether the fleet has rendered at least once since the operator started. */
  public boolean hasRendered(ObjectKey fleet) {
    return outcomesByFleet.containsKey(fleet);
  }

  /** The fleet whose latest render included the bucket, if any. */
  public Optional<ObjectKey> fleetOf(ObjectKey bucket) {
    return Optional.ofNullable(fleetByBucket.get(bucket));
  }
}
