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
  private final Map<ObjectKey, Long> includedSince = new ConcurrentHashMap<>();
  private final Map<ObjectKey, Long> programmedByFleet = new ConcurrentHashMap<>();
  private volatile Consumer<ObjectKey> changedBucketListener = bucket -> {};
  private volatile Consumer<ObjectKey> forgottenFleetListener = fleet -> {};

  public void onFleetForgotten(Consumer<ObjectKey> listener) {
    this.forgottenFleetListener = Objects.requireNonNull(listener, "listener");
  }

  public void onBucketChanged(Consumer<ObjectKey> listener) {
    this.changedBucketListener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Records a fleet's outcomes, rendered into snapshot {@code generation}, and notifies the
   * listener of each bucket whose outcome changed.
   */
  public void publish(ObjectKey fleet, Map<ObjectKey, BucketOutcome> outcomes, long generation) {
    Map<ObjectKey, BucketOutcome> copy = Map.copyOf(outcomes);
    Map<ObjectKey, BucketOutcome> previous = outcomesByFleet.put(fleet, copy);
    Set<ObjectKey> changed = new HashSet<>();
    if (previous != null) {
      for (ObjectKey bucket : previous.keySet()) {
        if (!copy.containsKey(bucket)) {
          fleetByBucket.remove(bucket, fleet);
          includedSince.remove(bucket);
          changed.add(bucket);
        }
      }
    }
    for (var entry : copy.entrySet()) {
      ObjectKey previousFleet = fleetByBucket.put(entry.getKey(), fleet);
      if (previous == null
          || !fleet.equals(previousFleet)
          || !entry.getValue().equals(previous.get(entry.getKey()))) {
        includedSince.put(entry.getKey(), generation);
        changed.add(entry.getKey());
      }
    }
    changed.forEach(changedBucketListener);
  }

  /**
   * Records the generation every ready pod of the fleet runs at least (-1: no ready pod) and
   * notifies the listener of each bucket whose Programmed condition this changes.
   */
  public void programmed(ObjectKey fleet, long generation) {
    Long before = programmedByFleet.put(fleet, generation);
    Map<ObjectKey, BucketOutcome> outcomes = outcomesByFleet.get(fleet);
    if (outcomes == null || (before != null && before == generation)) {
      return;
    }
    for (var entry : outcomes.entrySet()) {
      if (!entry.getValue().included()) {
        continue;
      }
      Long since = includedSince.get(entry.getKey());
      if (since == null
          || before == null
          || programmedState(before, since) != programmedState(generation, since)) {
        changedBucketListener.accept(entry.getKey());
      }
    }
  }

  private static int programmedState(long programmed, long since) {
    return programmed < 0 ? -1 : programmed >= since ? 1 : 0;
  }

  /**
   * Where the bucket's route stands on the fleet's pods: the generation every ready pod runs at
   * least (-1 when no pod is ready or nothing was pushed yet) and the generation that first held
   * the bucket's current outcome.
   */
  public Programming programming(ObjectKey fleet, ObjectKey bucket) {
    return new Programming(
        programmedByFleet.getOrDefault(fleet, -1L), includedSince.getOrDefault(bucket, 0L));
  }

  /**
   * A bucket's view of the fleet's pods.
   *
   * @param podsAtLeast the generation every ready pod runs at least, -1 when unknown
   * @param includedSince the first generation with the bucket's current outcome
   */
  public record Programming(long podsAtLeast, long includedSince) {
    public static final Programming UNKNOWN = new Programming(-1, 0);

    public boolean known() {
      return podsAtLeast >= 0;
    }

    public boolean reached() {
      return podsAtLeast >= 0 && podsAtLeast >= includedSince;
    }
  }

  /** Forgets a deleted fleet. */
  public void forget(ObjectKey fleet) {
    forgottenFleetListener.accept(fleet);
    programmedByFleet.remove(fleet);
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
