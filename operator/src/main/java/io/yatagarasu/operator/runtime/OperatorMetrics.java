package io.yatagarasu.operator.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.yatagarasu.operator.distribute.PodAnswer;
import io.yatagarasu.operator.distribute.PushMetrics;
import io.yatagarasu.operator.render.VersionSkew;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Every meter of the operator itself; tags are bounded (kind and result, never object names). */
public final class OperatorMetrics implements PushMetrics {
  private final MeterRegistry registry;
  private final Timer renderTime;
  private final Timer programmedTime;
  private final ConcurrentMap<PodAnswer.Result, Timer> pushTimes = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.renderTime =
        Timer.builder("yatagarasu.operator.render")
            .description("Time to render one fleet's snapshot")
            .publishPercentileHistogram()
            .register(registry);
    this.programmedTime =
        Timer.builder("yatagarasu.operator.programmed")
            .description(
                "Time from a change being observed to every ready pod of the fleet running it")
            .publishPercentileHistogram()
            .register(registry);
  }

  /** One push to one pod, by result; the count of a result is the timer's count. */
  @Override
  public void pushed(PodAnswer.Result result, long nanos) {
    pushTimes
        .computeIfAbsent(
            result,
            r ->
                Timer.builder("yatagarasu.operator.push")
                    .description("Snapshot pushes to proxy pods by result, and their latency")
                    .tag("result", r.tag())
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void programmed(long nanosSinceChange) {
    programmedTime.record(nanosSinceChange, TimeUnit.NANOSECONDS);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public <T> T timeRender(Supplier<T> render) {
    return renderTime.record(render);
  }

  /** Counts a finished reconcile of a kind ({@code S3ProxyConfig}, {@code S3ProxyBucket}). */
  public void reconciled(String kind, boolean success) {
    String result = success ? "success" : "error";
    counters
        .computeIfAbsent(
            kind + "/" + result,
            k ->
                Counter.builder("yatagarasu.operator.reconciles")
                    .description("Reconciles by kind and result")
                    .tag("kind", kind)
                    .tag("result", result)
                    .register(registry))
        .increment();
  }

  /**
   * Gauges of the objects of a kind that carry fields this operator version does not understand, by
   * outcome: {@code ignored} (unknown fields ignored, the rest applied), {@code refused} (unknown
   * fields in a guarded block) and {@code unreadable} (a value of the wrong type). Counted from the
   * informer cache at each scrape, so a deleted or fixed object stops counting.
   */
  public void versionSkew(String kind, Supplier<Stream<VersionSkew>> objects) {
    for (String outcome : List.of("ignored", "refused", "unreadable")) {
      Gauge.builder(
              "yatagarasu.operator.version.skew.objects",
              () -> objects.get().filter(s -> outcome.equals(outcome(s))).count())
          .description(
              "Objects with fields this operator version does not know or cannot read, by kind"
                  + " and outcome")
          .tag("kind", kind)
          .tag("outcome", outcome)
          .register(registry);
    }
  }

  private static String outcome(VersionSkew skew) {
    if (skew.none()) {
      return "";
    }
    return !skew.unreadable().isEmpty()
        ? "unreadable"
        : !skew.refused().isEmpty() ? "refused" : "ignored";
  }

  /**
   * {@code yatagarasu_operator_leader}: 1 while this replica holds the Lease (or runs without
   * leader election), 0 on a standby. Readiness says nothing about leadership: standbys are ready.
   */
  public void leader(BooleanSupplier leading) {
    Objects.requireNonNull(leading, "leading");
    Gauge.builder("yatagarasu.operator.leader", () -> leading.getAsBoolean() ? 1 : 0)
        .description("1 while this replica is the leader that reconciles, 0 on a standby")
        .register(registry);
  }

  /** Counts a snapshot whose hash changed, so its generation increased. */
  public void snapshotChanged() {
    counters
        .computeIfAbsent(
            "snapshots",
            k ->
                Counter.builder("yatagarasu.operator.snapshots")
                    .description("Snapshots written with a new generation")
                    .register(registry))
        .increment();
  }

  /** Counts an S3ProxyCachePurge that recorded its pods and started. */
  public void purgeStarted() {
    purges("started");
  }

  /** Counts an S3ProxyCachePurge that finished, complete or failed. */
  public void purgeFinished(boolean complete) {
    purges(complete ? "complete" : "failed");
  }

  private void purges(String result) {
    counters
        .computeIfAbsent(
            "purges/" + result,
            k ->
                Counter.builder("yatagarasu.operator.purges")
                    .description("Cache purges (S3ProxyCachePurge objects) by result")
                    .tag("result", result)
                    .register(registry))
        .increment();
  }
}
