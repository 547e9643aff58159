package io.yatagarasu.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyBucketStatus;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.events.FleetEvents;
import io.yatagarasu.operator.render.BucketOutcome;
import io.yatagarasu.operator.render.ConfigRenderer;
import io.yatagarasu.operator.render.ObjectKey;
import io.yatagarasu.operator.render.Reason;
import io.yatagarasu.operator.render.Verdict;
import io.yatagarasu.operator.render.VersionSkew;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.status.BucketConditions;
import io.yatagarasu.operator.status.Conditions;
import io.yatagarasu.operator.status.SkewConditions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each S3ProxyBucket's status from its fleet's latest render (kept in the {@link
 * FleetRegistry}), or {@code ProxyNotFound} when the referenced S3ProxyConfig does not exist. It
 * never renders: a fleet renders once for all its buckets and signals only the buckets whose
 * outcome changed.
 */
@ControllerConfiguration(name = S3ProxyBucketReconciler.NAME)
public class S3ProxyBucketReconciler implements Reconciler<S3ProxyBucket> {
  public static final String NAME = "s3proxybucket";
  static final String FLEETS = "fleets";
  static final String OUTCOMES = "outcomes";
  private static final Logger log = LoggerFactory.getLogger(S3ProxyBucketReconciler.class);

  private final FleetRegistry registry;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final FleetEvents events;
  private volatile InformerEventSource<S3ProxyConfig, S3ProxyBucket> fleets;

  public S3ProxyBucketReconciler(
      FleetRegistry registry, OperatorMetrics metrics, Clock clock, FleetEvents events) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public List<EventSource<?, S3ProxyBucket>> prepareEventSources(
      EventSourceContext<S3ProxyBucket> context) {
    // A fleet appearing or going away changes ProxyNotFound for the buckets that reference it.
    fleets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(S3ProxyConfig.class, S3ProxyBucket.class)
                .withName(FLEETS)
                .withOnDeleteFilter(
                    (fleet, unknownState) -> {
                      registry.forget(ObjectKey.of(fleet));
                      return true;
                    })
                .withSecondaryToPrimaryMapper(
                    fleet -> {
                      ObjectKey key = ObjectKey.of(fleet);
                      return context
                          .getPrimaryCache()
                          .list(b -> key.equals(S3ProxyConfigReconciler.target(b)))
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet());
                    })
                .build(),
            context);
    metrics.versionSkew(
        "S3ProxyBucket", () -> context.getPrimaryCache().list().map(VersionSkew::of));
    SimpleInboundEventSource<S3ProxyBucket> outcomes = new SimpleInboundEventSource<>(OUTCOMES);
    registry.onBucketChanged(
        bucket -> {
          if (outcomes.isRunning()) {
            outcomes.propagateEvent(new ResourceID(bucket.name(), bucket.namespace()));
          }
        });
    return List.of(fleets, outcomes);
  }

  @Override
  public UpdateControl<S3ProxyBucket> reconcile(
      S3ProxyBucket bucket, Context<S3ProxyBucket> context) {
    ObjectKey key = ObjectKey.of(bucket);
    long generation = Objects.requireNonNullElse(bucket.getMetadata().getGeneration(), 0L);
    ObjectKey fleet = S3ProxyConfigReconciler.target(bucket);
    VersionSkew skew = VersionSkew.of(bucket);
    BucketOutcome outcome;
    if (skew.refuses()) {
      // Decided from the bucket alone, so it holds whether or not its fleet exists; the fleet's
      // render reaches the same verdict and leaves the bucket out.
      outcome = new BucketOutcome(key, generation, null, ConfigRenderer.refusal(skew), null);
    } else if (fleet == null
        || fleets.get(new ResourceID(fleet.name(), fleet.namespace())).isEmpty()) {
      outcome =
          new BucketOutcome(
              key,
              generation,
              null,
              Verdict.fail(
                  Reason.ProxyNotFound,
                  "S3ProxyConfig "
                      + fleet
                      + " not found; create it or fix spec.proxyRef (name, and namespace when the"
                      + " fleet lives in another namespace)"),
              null);
    } else {
      outcome =
          registry
              .outcome(fleet, key)
              .orElseGet(
                  () ->
                      new BucketOutcome(
                          key,
                          generation,
                          null,
                          Verdict.fail(
                              Reason.Pending,
                              "waiting for S3ProxyConfig " + fleet + " to render this bucket"),
                          null));
    }
    List<Condition> previous =
        bucket.getStatus() == null ? null : bucket.getStatus().getConditions();
    FleetRegistry.Programming programming =
        fleet == null ? FleetRegistry.Programming.UNKNOWN : registry.programming(fleet, key);
    List<Condition> computed =
        new ArrayList<>(
            BucketConditions.of(outcome, programming.podsAtLeast(), programming.includedSince()));
    computed.addAll(SkewConditions.of(skew));
    List<Condition> conditions =
        Conditions.merge(previous, computed, outcome.generation(), clock.instant());
    metrics.reconciled("S3ProxyBucket", true);
    if (bucket.getStatus() != null
        && Objects.equals(bucket.getStatus().getObservedGeneration(), outcome.generation())
        && Conditions.sameContent(previous, conditions)) {
      return UpdateControl.noUpdate();
    }
    if (!skew.none()) {
      log.warn(
          "bucket={} generation={} written for a newer operator, {}: {}",
          key,
          generation,
          skew.refuses() ? "refused" : "unknown fields ignored",
          skew.message());
    }
    S3ProxyBucketStatus status = new S3ProxyBucketStatus();
    status.setObservedGeneration(outcome.generation());
    status.setConditions(conditions);
    bucket.setStatus(status);
    events.bucket(bucket, conditions);
    StatusWrites.replace(bucket, context);
    return UpdateControl.noUpdate();
  }

  @Override
  public ErrorStatusUpdateControl<S3ProxyBucket> updateErrorStatus(
      S3ProxyBucket bucket, Context<S3ProxyBucket> context, Exception e) {
    metrics.reconciled("S3ProxyBucket", false);
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }
}
