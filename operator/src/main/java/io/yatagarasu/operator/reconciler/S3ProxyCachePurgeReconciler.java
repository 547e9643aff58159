package io.yatagarasu.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.yatagarasu.operator.crd.S3ProxyCachePurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeSpec;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.PodPurge;
import io.yatagarasu.operator.crd.S3ProxyCachePurgeStatus.Result;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.dependent.FleetNames;
import io.yatagarasu.operator.distribute.PodTarget;
import io.yatagarasu.operator.distribute.PurgeAnswer;
import io.yatagarasu.operator.distribute.PurgeSender;
import io.yatagarasu.operator.events.EventRecorder;
import io.yatagarasu.operator.render.ConfigRenderer;
import io.yatagarasu.operator.render.Labels;
import io.yatagarasu.operator.render.ObjectKey;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.status.Conditions;
import io.yatagarasu.operator.status.PurgeConditions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an S3ProxyCachePurge like a Job. The first reconcile resolves the fleet and the bucket's
 * name on the proxies and records the fleet's ready pods in status (so an operator restart resumes
 * the same set). Each reconcile then asks every pod of the set that has not purged yet, through
 * {@link PurgeSender} (asynchronous; an answer triggers the next reconcile), retrying with the
 * snapshot pushes' backoff. A pod that was deleted or whose container restarted since counts as
 * purged: its cache is empty. The purge completes when every pod of the set is done, fails at its
 * deadline otherwise, and is deleted {@code ttlSecondsAfterFinished} later.
 */
@ControllerConfiguration(name = S3ProxyCachePurgeReconciler.NAME)
public class S3ProxyCachePurgeReconciler implements Reconciler<S3ProxyCachePurge> {
  public static final String NAME = "s3proxycachepurge";
  static final String ALL_BUCKETS = "*";
  private static final String PODS = "purge-pods";
  private static final String ANSWERS = "purge-answers";
  private static final Duration WAIT_FOR_REFS = Duration.ofSeconds(2);
  private static final int MAX_MESSAGE = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(S3ProxyCachePurgeReconciler.class);

  private final FleetRegistry registry;
  private final PurgeSender sender;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final EventRecorder events;
  private final Map<String, S3ProxyCachePurgeStatus> latest = new ConcurrentHashMap<>();
  private volatile InformerEventSource<Pod, S3ProxyCachePurge> pods;

  public S3ProxyCachePurgeReconciler(
      FleetRegistry registry,
      PurgeSender sender,
      OperatorMetrics metrics,
      Clock clock,
      EventRecorder events) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public List<EventSource<?, S3ProxyCachePurge>> prepareEventSources(
      EventSourceContext<S3ProxyCachePurge> context) {
    // A pod of a running purge's fleet changing (deleted, restarted, back up) re-runs it at once.
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, S3ProxyCachePurge.class)
                .withName(PODS)
                .withLabelSelector(Labels.APP_NAME + "=" + FleetNames.APP)
                .withSecondaryToPrimaryMapper(
                    pod -> {
                      Map<String, String> labels = pod.getMetadata().getLabels();
                      String fleet = labels == null ? null : labels.get(Labels.APP_INSTANCE);
                      if (fleet == null) {
                        return Set.of();
                      }
                      String proxy = pod.getMetadata().getNamespace() + "/" + fleet;
                      return context
                          .getPrimaryCache()
                          .list(
                              p ->
                                  p.getStatus() != null
                                      && proxy.equals(p.getStatus().getProxy())
                                      && !PurgeConditions.finished(p.getStatus().getConditions()))
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet());
                    })
                .build(),
            context);
    SimpleInboundEventSource<S3ProxyCachePurge> answers = new SimpleInboundEventSource<>(ANSWERS);
    sender.onAnswer(
        purge -> {
          if (answers.isRunning()) {
            answers.propagateEvent(new ResourceID(purge.name(), purge.namespace()));
          }
        });
    return List.of(pods, answers);
  }

  @Override
  public UpdateControl<S3ProxyCachePurge> reconcile(
      S3ProxyCachePurge purge, Context<S3ProxyCachePurge> context) {
    Instant now = clock.instant();
    KubernetesClient client = context.getClient();
    Set<String> live =
        context
            .getPrimaryCache()
            .list()
            .map(p -> p.getMetadata().getUid())
            .collect(Collectors.toSet());
    sender.retainOnly(live);
    latest.keySet().retainAll(live);
    // The status this operator wrote last: the informer may still hold an older one (a reconcile
    // triggered by an answer can run before the status patch is seen), and starting from that
    // would record the pods, or announce the start, a second time.
    S3ProxyCachePurgeStatus old =
        latest.getOrDefault(purge.getMetadata().getUid(), purge.getStatus());
    if (old != null && PurgeConditions.finished(old.getConditions())) {
      sender.forget(purge.getMetadata().getUid());
      return expire(purge, old, now, client);
    }
    S3ProxyCachePurgeSpec spec =
        purge.getSpec() == null ? new S3ProxyCachePurgeSpec() : purge.getSpec();
    S3ProxyCachePurgeStatus status = copy(old);
    status.setWhat(what(spec));
    Instant started = parse(status.getStartTime(), created(purge, now));
    Instant deadline = started.plusSeconds(deadlineSeconds(spec));

    if (status.getProxy() == null) {
      Resolution resolution = resolve(purge, spec, client);
      if (resolution.waiting() != null) {
        List<io.fabric8.kubernetes.api.model.Condition> conditions;
        if (PurgeConditions.REJECTED.equals(resolution.reason())) {
          // Only without the CRD's CEL rules (an older API server): waiting cannot fix the spec.
          conditions = PurgeConditions.failed(resolution.reason(), resolution.waiting());
          finish(purge, status, now, client, false, conditions);
        } else if (!now.isBefore(deadline)) {
          conditions =
              PurgeConditions.failed(
                  resolution.reason(),
                  trim(resolution.waiting() + "; the deadline of the purge passed"));
          finish(purge, status, now, client, false, conditions);
        } else {
          conditions = PurgeConditions.running(resolution.reason(), resolution.waiting());
        }
        Duration untilDeadline = Duration.between(now, deadline);
        return write(
            purge,
            context,
            old,
            status,
            conditions,
            untilDeadline.compareTo(WAIT_FOR_REFS) < 0 ? untilDeadline : WAIT_FOR_REFS,
            now);
      }
      status.setProxy(resolution.fleet().toString());
      status.setBucket(resolution.bucket());
    }
    ObjectKey fleetKey = parseKey(status.getProxy());
    S3ProxyConfig fleet =
        client
            .resources(S3ProxyConfig.class)
            .inNamespace(fleetKey.namespace())
            .withName(fleetKey.name())
            .get();
    int adminPort =
        fleet == null
            ? io.yatagarasu.config.AdminConfig.defaults().listen().port()
            : S3ProxyConfigReconciler.specAdminPort(fleet);

    if (status.getPods() == null) {
      status.setStartTime(stamp(now));
      started = now;
      deadline = started.plusSeconds(deadlineSeconds(spec));
      status.setPods(readyPods(fleetKey));
      metrics.purgeStarted();
      events.normal(
          purge,
          "Started",
          "purging "
              + status.getWhat()
              + " of "
              + (ALL_BUCKETS.equals(status.getBucket())
                  ? "every bucket"
                  : "bucket " + status.getBucket())
              + " on the "
              + status.getPods().size()
              + " ready pod(s) of S3ProxyConfig "
              + fleetKey);
      log.info(
          "purge started purge={} fleet={} bucket={} what=\"{}\" pods={}",
          ObjectKey.of(purge),
          fleetKey,
          status.getBucket(),
          status.getWhat(),
          status.getPods().size());
    }

    String token = fleet == null ? null : token(client, fleet);
    byte[] body = body(spec, status.getBucket());
    String uid = purge.getMetadata().getUid();
    Instant wake = deadline;
    Map<String, PodPurge> before =
        old == null || old.getPods() == null
            ? Map.of()
            : old.getPods().stream()
                .collect(Collectors.toMap(PodPurge::getName, p -> p, (a, b) -> a));
    for (PodPurge pod : status.getPods()) {
      if (pod.getResult() != null
          && (pod.getResult().done() || pod.getResult() == Result.Rejected)) {
        continue;
      }
      Pod current = pods.get(new ResourceID(pod.getName(), fleetKey.namespace())).orElse(null);
      if (current == null || !Objects.equals(current.getMetadata().getUid(), pod.getUid())) {
        pod.setResult(Result.Deleted);
        pod.setMessage("the pod was deleted: nothing of its cache is left");
        continue;
      }
      if (ProxyPods.restarts(current) > Objects.requireNonNullElse(pod.getRestartCount(), 0)
          || "Failed".equals(phase(current))
          || "Succeeded".equals(phase(current))) {
        pod.setResult(Result.Restarted);
        pod.setMessage("the pod's container restarted or stopped: its cache is empty");
        continue;
      }
      PurgeSender.PodState state = sender.state(uid, pod.getName());
      int attempts = Objects.requireNonNullElse(pod.getAttempts(), 0);
      if (state != null && state.attempts() >= attempts) {
        attempts = state.attempts();
        pod.setAttempts(attempts);
        pod.setLastAttemptTime(stamp(state.lastAttempt()));
        if (state.answer() != null) {
          apply(pod, state.answer());
        }
      }
      if (pod.getResult().done() || pod.getResult() == Result.Rejected) {
        continue;
      }
      if (pod.getResult() == Result.Unreachable && changed(before.get(pod.getName()), pod)) {
        events.warning(
            purge,
            "PodUnreachable",
            "pod "
                + pod.getName()
                + " ("
                + pod.getIp()
                + "): "
                + pod.getMessage()
                + "; retried with backoff");
      }
      if (state != null && state.inFlight()) {
        continue;
      }
      String ip = current.getStatus() == null ? null : current.getStatus().getPodIP();
      if (token == null || ip == null || ip.isEmpty()) {
        continue;
      }
      Instant due =
          attempts == 0
              ? now
              : parse(pod.getLastAttemptTime(), now)
                  .plusNanos(
                      sender.backoff().nanos(attempts, jitter(uid, pod.getName(), attempts)));
      if (due.isAfter(now)) {
        wake = wake.isAfter(due) ? due : wake;
        continue;
      }
      PodTarget target =
          new PodTarget(
              pod.getName(),
              pod.getUid(),
              ip,
              ProxyPods.adminPort(current, adminPort),
              ProxyPods.ready(current));
      PurgeSender.PodState sent =
          sender.send(ObjectKey.of(purge), uid, target, body, token, attempts);
      pod.setAttempts(sent.attempts());
      pod.setLastAttemptTime(stamp(sent.lastAttempt()));
      pod.setIp(ip);
    }

    List<PodPurge> set = status.getPods();
    long done = set.stream().filter(p -> p.getResult().done()).count();
    status.setProgress(done + "/" + set.size());
    status.setPurgedEntries(
        set.stream().mapToLong(p -> Objects.requireNonNullElse(p.getPurged(), 0L)).sum());
    List<io.fabric8.kubernetes.api.model.Condition> conditions;
    PodPurge rejected =
        set.stream().filter(p -> p.getResult() == Result.Rejected).findFirst().orElse(null);
    if (rejected != null) {
      conditions =
          PurgeConditions.failed(
              PurgeConditions.REJECTED,
              trim(
                  "pod "
                      + rejected.getName()
                      + " refused the purge request: "
                      + rejected.getMessage()));
      finish(purge, status, now, client, false, conditions);
    } else if (done == set.size()) {
      conditions =
          PurgeConditions.complete(
              set.isEmpty()
                  ? "no pod of the fleet was ready when the purge started: nothing was cached"
                  : done
                      + "/"
                      + set.size()
                      + " pods hold nothing the purge names; "
                      + status.getPurgedEntries()
                      + " entries dropped");
      finish(purge, status, now, client, true, conditions);
    } else if (!now.isBefore(deadline)) {
      conditions =
          PurgeConditions.failed(
              PurgeConditions.DEADLINE_EXCEEDED,
              trim(
                  done
                      + "/"
                      + set.size()
                      + " pods purged when the deadline ("
                      + deadlineSeconds(spec)
                      + "s) passed; not purged: "
                      + pending(set)));
      finish(purge, status, now, client, false, conditions);
    } else if (token == null) {
      conditions =
          PurgeConditions.running(
              PurgeConditions.ADMIN_TOKEN_MISSING,
              trim(
                  "the admin-token Secret of S3ProxyConfig "
                      + fleetKey
                      + " is missing; the operator recreates it, and the purge goes on then"));
    } else {
      conditions =
          PurgeConditions.running(
              PurgeConditions.IN_PROGRESS,
              trim(done + "/" + set.size() + " pods purged; waiting for " + pending(set)));
    }
    Duration next =
        PurgeConditions.finished(conditions)
            ? Duration.ofSeconds(ttlSeconds(spec))
            : token == null ? WAIT_FOR_REFS : Duration.between(now, wake);
    return write(purge, context, old, status, conditions, next, now);
  }

  @Override
  public ErrorStatusUpdateControl<S3ProxyCachePurge> updateErrorStatus(
      S3ProxyCachePurge purge, Context<S3ProxyCachePurge> context, Exception e) {
    log.warn("purge reconcile failed purge={} error={}", ObjectKey.of(purge), e.toString());
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** The fleet and the bucket's name on its proxies, or why they are not known (yet). */
  private record Resolution(ObjectKey fleet, String bucket, String reason, String waiting) {
    static Resolution waiting(String reason, String message) {
      return new Resolution(null, null, reason, message);
    }
  }

  private Resolution resolve(
      S3ProxyCachePurge purge, S3ProxyCachePurgeSpec spec, KubernetesClient client) {
    String namespace = purge.getMetadata().getNamespace();
    if (spec.getBucketRef() != null && spec.getBucketRef().getName() != null) {
      String name = spec.getBucketRef().getName();
      S3ProxyBucket bucket =
          client.resources(S3ProxyBucket.class).inNamespace(namespace).withName(name).get();
      if (bucket == null) {
        return Resolution.waiting(
            PurgeConditions.BUCKET_NOT_FOUND,
            "spec.bucketRef: no S3ProxyBucket " + namespace + "/" + name);
      }
      ObjectKey fleet = S3ProxyConfigReconciler.target(bucket);
      if (fleet == null || !exists(client, fleet)) {
        return Resolution.waiting(
            PurgeConditions.PROXY_NOT_FOUND,
            "spec.bucketRef: S3ProxyBucket "
                + namespace
                + "/"
                + name
                + " names no existing S3ProxyConfig"
                + (fleet == null ? "" : " (" + fleet + ")"));
      }
      ObjectKey key = ObjectKey.of(bucket);
      // The name the fleet's latest render gave the bucket (it differs from the default only when
      // two buckets would share one), else the renderer's default.
      String route =
          registry
              .outcome(fleet, key)
              .map(o -> o.routeName())
              .orElseGet(() -> ConfigRenderer.routeName(fleet, key));
      return new Resolution(fleet, route, null, null);
    }
    if (spec.getProxyRef() != null && spec.getProxyRef().getName() != null) {
      ObjectKey fleet = new ObjectKey(namespace, spec.getProxyRef().getName());
      if (!exists(client, fleet)) {
        return Resolution.waiting(
            PurgeConditions.PROXY_NOT_FOUND, "spec.proxyRef: no S3ProxyConfig " + fleet);
      }
      return new Resolution(fleet, ALL_BUCKETS, null, null);
    }
    return Resolution.waiting(
        PurgeConditions.REJECTED, "spec: set exactly one of bucketRef or proxyRef");
  }

  private static boolean exists(KubernetesClient client, ObjectKey fleet) {
    return client
            .resources(S3ProxyConfig.class)
            .inNamespace(fleet.namespace())
            .withName(fleet.name())
            .get()
        != null;
  }

  /** The fleet's pods that run and are ready now: the set the purge must reach. */
  private List<PodPurge> readyPods(ObjectKey fleet) {
    List<PodPurge> set = new ArrayList<>();
    pods.list(
            fleet.namespace(),
            pod ->
                pod.getMetadata().getLabels() != null
                    && fleet.name().equals(pod.getMetadata().getLabels().get(Labels.APP_INSTANCE)))
        .filter(pod -> ProxyPods.target(pod, 1) != null && ProxyPods.ready(pod))
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(
            pod -> {
              PodPurge entry = new PodPurge();
              entry.setName(pod.getMetadata().getName());
              entry.setUid(pod.getMetadata().getUid());
              entry.setIp(pod.getStatus().getPodIP());
              entry.setRestartCount(ProxyPods.restarts(pod));
              entry.setResult(Result.Pending);
              entry.setAttempts(0);
              set.add(entry);
            });
    return set;
  }

  private static String token(KubernetesClient client, S3ProxyConfig fleet) {
    Secret secret =
        client
            .secrets()
            .inNamespace(fleet.getMetadata().getNamespace())
            .withName(FleetNames.adminTokenSecret(fleet))
            .get();
    return secret == null ? null : S3ProxyConfigReconciler.tokenOf(secret);
  }

  private static void apply(PodPurge pod, PurgeAnswer answer) {
    switch (answer.result()) {
      case PURGED -> {
        pod.setResult(Result.Purged);
        pod.setPurged(answer.purged());
        pod.setMessage(answer.message());
      }
      case REJECTED -> {
        pod.setResult(Result.Rejected);
        pod.setMessage(trim(Objects.requireNonNullElse(answer.message(), "rejected")));
      }
      case UNREACHABLE -> {
        pod.setResult(Result.Unreachable);
        pod.setMessage(trim(Objects.requireNonNullElse(answer.message(), "no answer")));
      }
    }
  }

  /** Whether the pod's failure is news: it was not failing before, or fails differently now. */
  private static boolean changed(PodPurge before, PodPurge now) {
    return before == null
        || before.getResult() != now.getResult()
        || !Objects.equals(before.getMessage(), now.getMessage());
  }

  private void finish(
      S3ProxyCachePurge purge,
      S3ProxyCachePurgeStatus status,
      Instant now,
      KubernetesClient client,
      boolean complete,
      List<io.fabric8.kubernetes.api.model.Condition> conditions) {
    status.setCompletionTime(stamp(now));
    sender.forget(purge.getMetadata().getUid());
    String message = conditions.get(0).getMessage();
    metrics.purgeFinished(complete);
    if (complete) {
      events.normal(purge, "Completed", message);
      log.info("purge complete purge={} {}", ObjectKey.of(purge), message);
    } else {
      String reason = conditions.get(1).getReason();
      events.warning(purge, "Failed", reason + ": " + message);
      log.warn("purge failed purge={} reason={} {}", ObjectKey.of(purge), reason, message);
    }
  }

  /** A finished purge: deleted once its time to live has passed, else looked at again then. */
  private UpdateControl<S3ProxyCachePurge> expire(
      S3ProxyCachePurge purge,
      S3ProxyCachePurgeStatus status,
      Instant now,
      KubernetesClient client) {
    long ttl = ttlSeconds(purge.getSpec() == null ? new S3ProxyCachePurgeSpec() : purge.getSpec());
    Instant finished = parse(status.getCompletionTime(), now);
    Instant expiry = finished.plusSeconds(ttl);
    if (!now.isBefore(expiry)) {
      client.resource(purge).delete();
      return UpdateControl.noUpdate();
    }
    return UpdateControl.<S3ProxyCachePurge>noUpdate()
        .rescheduleAfter(Duration.between(now, expiry));
  }

  private UpdateControl<S3ProxyCachePurge> write(
      S3ProxyCachePurge purge,
      Context<S3ProxyCachePurge> context,
      S3ProxyCachePurgeStatus old,
      S3ProxyCachePurgeStatus status,
      List<io.fabric8.kubernetes.api.model.Condition> conditions,
      Duration next,
      Instant now) {
    long observed = Objects.requireNonNullElse(purge.getMetadata().getGeneration(), 0L);
    status.setObservedGeneration(observed);
    status.setConditions(
        Conditions.merge(old == null ? null : old.getConditions(), conditions, observed, now));
    Duration delay = next.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : next;
    latest.put(purge.getMetadata().getUid(), copy(status));
    S3ProxyCachePurgeStatus stored = purge.getStatus();
    if (stored != null && JSON.valueToTree(stored).equals(JSON.valueToTree(status))) {
      return UpdateControl.<S3ProxyCachePurge>noUpdate().rescheduleAfter(delay);
    }
    purge.setStatus(status);
    StatusWrites.replace(purge, context);
    return UpdateControl.<S3ProxyCachePurge>noUpdate().rescheduleAfter(delay);
  }

  /** The request body of the admin API for the spec, in the bucket ({@code *}: every bucket). */
  static byte[] body(S3ProxyCachePurgeSpec spec, String bucket) {
    ObjectNode body = JSON.createObjectNode();
    if (bucket != null && !ALL_BUCKETS.equals(bucket)) {
      body.put("bucket", bucket);
    }
    if (Boolean.TRUE.equals(spec.getAll())) {
      body.put("all", true);
    } else {
      if (spec.getKeys() != null && !spec.getKeys().isEmpty()) {
        spec.getKeys().forEach(body.putArray("keys")::add);
      }
      if (spec.getPrefixes() != null && !spec.getPrefixes().isEmpty()) {
        spec.getPrefixes().forEach(body.putArray("prefixes")::add);
      }
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What the purge drops, for the printer column: {@code 2 keys, 1 prefix} or {@code all}. */
  static String what(S3ProxyCachePurgeSpec spec) {
    if (Boolean.TRUE.equals(spec.getAll())) {
      return "all";
    }
    List<String> parts = new ArrayList<>();
    int keys = spec.getKeys() == null ? 0 : spec.getKeys().size();
    int prefixes = spec.getPrefixes() == null ? 0 : spec.getPrefixes().size();
    if (keys > 0) {
      parts.add(keys + (keys == 1 ? " key" : " keys"));
    }
    if (prefixes > 0) {
      parts.add(prefixes + (prefixes == 1 ? " prefix" : " prefixes"));
    }
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  /** Where in its backoff step a retry falls: fixed per purge, pod and attempt. */
  static double jitter(String uid, String pod, int attempts) {
    return (Objects.hash(uid, pod, attempts) & 0xffff) / 65535.0;
  }

  private static String pending(List<PodPurge> set) {
    return set.stream()
        .filter(p -> !p.getResult().done())
        .map(
            p ->
                p.getName()
                    + " ("
                    + p.getResult()
                    + (p.getMessage() == null ? "" : ": " + p.getMessage())
                    + ", "
                    + Objects.requireNonNullElse(p.getAttempts(), 0)
                    + " attempts)")
        .collect(Collectors.joining(", "));
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  static int deadlineSeconds(S3ProxyCachePurgeSpec spec) {
    return spec.getDeadlineSeconds() == null
        ? S3ProxyCachePurgeSpec.DEFAULT_DEADLINE_SECONDS
        : spec.getDeadlineSeconds();
  }

  static int ttlSeconds(S3ProxyCachePurgeSpec spec) {
    return spec.getTtlSecondsAfterFinished() == null
        ? S3ProxyCachePurgeSpec.DEFAULT_TTL_SECONDS_AFTER_FINISHED
        : spec.getTtlSecondsAfterFinished();
  }

  private static S3ProxyCachePurgeStatus copy(S3ProxyCachePurgeStatus status) {
    return status == null
        ? new S3ProxyCachePurgeStatus()
        : JSON.convertValue(JSON.valueToTree(status), S3ProxyCachePurgeStatus.class);
  }

  private static Instant created(S3ProxyCachePurge purge, Instant fallback) {
    return parse(purge.getMetadata().getCreationTimestamp(), fallback);
  }

  private static Instant parse(String time, Instant fallback) {
    if (time == null) {
      return fallback;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static String stamp(Instant time) {
    return time.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static ObjectKey parseKey(String text) {
    int slash = text.indexOf('/');
    return new ObjectKey(text.substring(0, slash), text.substring(slash + 1));
  }

  private static String trim(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
  }
}
