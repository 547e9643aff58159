package io.yatagarasu.operator.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.distribute.Distributor;
import io.yatagarasu.operator.render.ObjectKey;
import io.yatagarasu.operator.render.Reason;
import io.yatagarasu.operator.status.BucketConditions;
import io.yatagarasu.operator.status.Conditions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The events the operator records about fleets and buckets, and their reasons. Each is one call
 * where the reconcilers or the distributor already decide the matching condition; the {@link
 * EventRecorder} deduplicates and rate-limits them.
 */
public final class FleetEvents implements Distributor.Events {
  /** Warning on an S3ProxyConfig: a pod refused the snapshot (the message names the pod). */
  public static final String SNAPSHOT_REJECTED = "SnapshotRejected";

  /** Normal on an S3ProxyConfig: every ready pod runs a new generation. */
  public static final String PROGRAMMED = "Programmed";

  /** Normal on an S3ProxyConfig: a referenced Secret changed and a new generation carries it. */
  public static final String CREDENTIALS_ROTATED = "CredentialsRotated";

  /** Warning on an S3ProxyConfig: its own settings are invalid, the pods keep the last snapshot. */
  public static final String FLEET_INVALID = Reason.FleetInvalid.name();

  private static final int MAX_ERRORS = 3;

  private final EventRecorder recorder;
  private final Map<ObjectKey, Map<String, String>> secretVersions = new ConcurrentHashMap<>();

  public FleetEvents(EventRecorder recorder) {
    this.recorder = Objects.requireNonNull(recorder, "recorder");
  }

  @Override
  public void rejected(ObjectKey fleet, String pod, long generation, List<String> errors) {
    String shown =
        errors.isEmpty()
            ? "no reason given"
            : errors.stream().limit(MAX_ERRORS).collect(Collectors.joining("; "))
                + (errors.size() > MAX_ERRORS
                    ? " (and " + (errors.size() - MAX_ERRORS) + " more)"
                    : "");
    recorder.record(
        S3ProxyConfig.class,
        fleet,
        EventRecorder.Type.Warning,
        SNAPSHOT_REJECTED,
        "pod " + pod + " rejected generation " + generation + ": " + shown);
  }

  @Override
  public void programmed(ObjectKey fleet, long generation, long pods) {
    recorder.record(
        S3ProxyConfig.class,
        fleet,
        EventRecorder.Type.Normal,
        PROGRAMMED,
        (pods == 1 ? "1 ready pod runs" : pods + " ready pods run") + " generation " + generation);
  }

  /**
   * A fleet rendered a valid snapshot from {@code secrets}; {@code changed} when its generation is
   * new. A Secret whose resourceVersion differs from the previous render's, in a render that made a
   * new generation, is a rotation.
   */
  public void rendered(
      S3ProxyConfig fleet, List<Secret> secrets, long generation, boolean changed) {
    ObjectKey key = ObjectKey.of(fleet);
    Map<String, String> now = new TreeMap<>();
    for (Secret secret : secrets) {
      if (secret.getData() != null) {
        now.put(
            secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(),
            String.valueOf(secret.getMetadata().getResourceVersion()));
      }
    }
    Map<String, String> before = secretVersions.put(key, now);
    if (!changed || before == null) {
      return;
    }
    List<String> rotated =
        now.entrySet().stream()
            .filter(e -> before.containsKey(e.getKey()))
            .filter(e -> !before.get(e.getKey()).equals(e.getValue()))
            .map(Map.Entry::getKey)
            .toList();
    if (!rotated.isEmpty()) {
      recorder.normal(
          fleet,
          CREDENTIALS_ROTATED,
          (rotated.size() == 1 ? "Secret " : "Secrets ")
              + String.join(", ", rotated)
              + " changed: generation "
              + generation
              + " carries the new values and is being pushed to the pods");
    }
  }

  /** The fleet's own settings are invalid: no new snapshot. */
  public void invalid(S3ProxyConfig fleet, List<String> problems) {
    recorder.warning(
        fleet,
        FLEET_INVALID,
        "the pods keep serving the last snapshot: "
            + problems.stream().limit(MAX_ERRORS).collect(Collectors.joining("; ")));
  }

  /**
   * A bucket's status is about to change: why it is not attached (Accepted=False) or what it
   * references that is missing (ResolvedRefs=False), with the condition's reason and message.
   */
  public void bucket(S3ProxyBucket bucket, List<Condition> conditions) {
    for (Condition condition : conditions) {
      boolean explains =
          BucketConditions.ACCEPTED.equals(condition.getType())
              || BucketConditions.RESOLVED_REFS.equals(condition.getType());
      if (explains
          && Conditions.FALSE.equals(condition.getStatus())
          && !Reason.Pending.name().equals(condition.getReason())) {
        recorder.warning(bucket, condition.getReason(), condition.getMessage());
      }
    }
  }

  /** The fleet is gone. */
  public void forget(ObjectKey fleet) {
    secretVersions.remove(fleet);
  }
}
