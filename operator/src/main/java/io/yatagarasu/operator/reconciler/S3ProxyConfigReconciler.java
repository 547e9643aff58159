package io.yatagarasu.operator.reconciler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.operator.crd.BucketNamespaces;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigStatus;
import io.yatagarasu.operator.dependent.AdminTokenSecretDependentResource;
import io.yatagarasu.operator.dependent.ConfigSecretDependentResource;
import io.yatagarasu.operator.dependent.DeploymentDependentResource;
import io.yatagarasu.operator.dependent.FleetNames;
import io.yatagarasu.operator.dependent.FleetSpecs;
import io.yatagarasu.operator.dependent.HorizontalPodAutoscalerDependentResource;
import io.yatagarasu.operator.dependent.PodDisruptionBudgetDependentResource;
import io.yatagarasu.operator.dependent.PodSecurity;
import io.yatagarasu.operator.dependent.ServiceAccountDependentResource;
import io.yatagarasu.operator.dependent.ServiceDependentResource;
import io.yatagarasu.operator.dependent.ServiceMonitors;
import io.yatagarasu.operator.dependent.Snapshot;
import io.yatagarasu.operator.dependent.TlsSecretDependentResource;
import io.yatagarasu.operator.distribute.CertificateProbe;
import io.yatagarasu.operator.distribute.Distributor;
import io.yatagarasu.operator.distribute.FleetProgress;
import io.yatagarasu.operator.distribute.PodTarget;
import io.yatagarasu.operator.events.FleetEvents;
import io.yatagarasu.operator.render.CacheSizing;
import io.yatagarasu.operator.render.ConfigRenderer;
import io.yatagarasu.operator.render.Labels;
import io.yatagarasu.operator.render.ObjectKey;
import io.yatagarasu.operator.render.PodLayout;
import io.yatagarasu.operator.render.RenderResult;
import io.yatagarasu.operator.render.TlsSecretCheck;
import io.yatagarasu.operator.render.VersionSkew;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.status.CertificateConditions;
import io.yatagarasu.operator.status.Conditions;
import io.yatagarasu.operator.status.FleetConditions;
import io.yatagarasu.operator.status.SkewConditions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a fleet: renders its snapshot from the buckets and Secrets in the informer caches,
 * stores it in the rendered-config Secret (with a generation that increases only when the hash
 * does), applies the owned objects and writes the fleet's status. Bucket verdicts are handed to the
 * {@link S3ProxyBucketReconciler} through the {@link FleetRegistry}.
 */
@ControllerConfiguration(
    name = S3ProxyConfigReconciler.NAME,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class S3ProxyConfigReconciler implements Reconciler<S3ProxyConfig> {
  public static final String NAME = "s3proxyconfig";
  static final String BUCKETS = "buckets";
  static final String CREDENTIALS = "credentials";
  static final String NAMESPACES = "namespaces";
  static final String PODS = "pods";
  static final String PUSHES = "pushes";
  private static final Logger log = LoggerFactory.getLogger(S3ProxyConfigReconciler.class);
  private static final int MAX_MESSAGE = 1024;
  private static final String GENERATION = FleetNames.CONFIG_GENERATION_ANNOTATION;

  private final FleetRegistry registry;
  private final OperatorMetrics metrics;
  private final ServiceMonitors serviceMonitors;
  private final Clock clock;
  private final Distributor distributor;
  private final FleetEvents events;
  private final DeploymentDependentResource deployment;
  private final ServiceDependentResource service = new ServiceDependentResource();
  private final ConfigSecretDependentResource configSecret = new ConfigSecretDependentResource();
  private final AdminTokenSecretDependentResource adminToken =
      new AdminTokenSecretDependentResource();
  private final PodDisruptionBudgetDependentResource disruptionBudget =
      new PodDisruptionBudgetDependentResource();
  private final ServiceAccountDependentResource serviceAccount =
      new ServiceAccountDependentResource();
  private final HorizontalPodAutoscalerDependentResource autoscaler =
      new HorizontalPodAutoscalerDependentResource();
  private final TlsSecretDependentResource tlsSecret = new TlsSecretDependentResource();
  private final Map<ObjectKey, TlsCheckCache> tlsChecks =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile InformerEventSource<S3ProxyBucket, S3ProxyConfig> buckets;
  private volatile InformerEventSource<Secret, S3ProxyConfig> credentials;
  private volatile InformerEventSource<Namespace, S3ProxyConfig> namespaces;
  private volatile InformerEventSource<Pod, S3ProxyConfig> pods;
  private final Map<ObjectKey, RenderCache> renders =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<ObjectKey, Integer> rechecks = new java.util.concurrent.ConcurrentHashMap<>();

  public S3ProxyConfigReconciler(
      FleetRegistry registry,
      OperatorMetrics metrics,
      ServiceMonitors serviceMonitors,
      String defaultImage,
      Clock clock,
      Distributor distributor,
      FleetEvents events) {
    this.events = Objects.requireNonNull(events, "events");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.distributor = Objects.requireNonNull(distributor, "distributor");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.serviceMonitors = Objects.requireNonNull(serviceMonitors, "serviceMonitors");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.deployment = new DeploymentDependentResource(defaultImage);
  }

  @Override
  public List<EventSource<?, S3ProxyConfig>> prepareEventSources(
      EventSourceContext<S3ProxyConfig> context) {
    buckets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(S3ProxyBucket.class, S3ProxyConfig.class)
                .withName(BUCKETS)
                .withSecondaryToPrimaryMapper(this::fleetsOfBucket)
                .build(),
            context);
    // Only labelled Secrets are cached: the operator never holds every Secret of the cluster.
    credentials =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, S3ProxyConfig.class)
                .withName(CREDENTIALS)
                .withLabelSelector(Labels.CREDENTIALS_SELECTOR)
                .withSecondaryToPrimaryMapper(secret -> fleetsOfSecret(secret, context))
                .build(),
            context);
    namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, S3ProxyConfig.class)
                .withName(NAMESPACES)
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(
                    namespace ->
                        context
                            .getPrimaryCache()
                            .list()
                            .filter(FleetSpecsSupport::usesSelector)
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    // Proxy pods, by the label every fleet's pod template carries; the instance label names the
    // fleet. A pod appearing, getting an IP, restarting or turning ready triggers a push to it.
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, S3ProxyConfig.class)
                .withName(PODS)
                .withLabelSelector(Labels.APP_NAME + "=" + FleetNames.APP)
                .withSecondaryToPrimaryMapper(
                    pod -> {
                      Map<String, String> podLabels = pod.getMetadata().getLabels();
                      String fleet = podLabels == null ? null : podLabels.get(Labels.APP_INSTANCE);
                      return fleet == null
                          ? Set.of()
                          : Set.of(new ResourceID(fleet, pod.getMetadata().getNamespace()));
                    })
                .build(),
            context);
    metrics.versionSkew(
        "S3ProxyConfig", () -> context.getPrimaryCache().list().map(VersionSkew::of));
    // Pod answers come back on the distributor's thread; they re-run the reconcile, the only
    // writer of the fleet's status.
    SimpleInboundEventSource<S3ProxyConfig> pushes = new SimpleInboundEventSource<>(PUSHES);
    distributor.onProgress(
        fleet -> {
          if (pushes.isRunning()) {
            pushes.propagateEvent(new ResourceID(fleet.name(), fleet.namespace()));
          }
        });
    // What a pod serves changed: the reconcile rewrites status.tls and CertificateCurrent.
    distributor
        .certificates()
        .onChange(
            fleet -> {
              if (pushes.isRunning()) {
                pushes.propagateEvent(new ResourceID(fleet.name(), fleet.namespace()));
              }
            });
    registry.onFleetForgotten(
        fleet -> {
          distributor.forget(fleet);
          renders.remove(fleet);
          rechecks.remove(fleet);
          events.forget(fleet);
          tlsChecks.remove(fleet);
        });
    List<EventSource<?, S3ProxyConfig>> sources = new ArrayList<>();
    sources.add(buckets);
    sources.add(credentials);
    sources.add(namespaces);
    sources.add(pods);
    sources.add(pushes);
    sources.addAll(
        EventSourceUtils.dependentEventSources(
            context,
            deployment,
            service,
            configSecret,
            adminToken,
            disruptionBudget,
            serviceAccount,
            autoscaler,
            tlsSecret));
    return sources;
  }

  @Override
  public UpdateControl<S3ProxyConfig> reconcile(
      S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    long observedNanos = System.nanoTime();
    ObjectKey key = ObjectKey.of(fleet);
    List<S3ProxyBucket> attached = buckets.list(b -> key.equals(target(b))).toList();
    ReferencedSecrets.Resolved resolved = referencedSecrets(fleet, attached, context);
    List<Secret> secrets = resolved.secrets();
    Map<String, Map<String, String>> labels = namespaceLabels(fleet, attached);
    RenderResult result = render(key, fleet, attached, resolved, labels);
    VersionSkew skew = VersionSkew.of(fleet);
    if (skew.refuses()) {
      // Refused as a whole: no new snapshot, and the owned objects are left as they are, since a
      // spec read without some of its fields would change them (replicas, image, ports) in ways
      // nobody asked for. The pods keep serving the last snapshot; only the status is written.
      registry.publish(key, result.byBucket(), annotation(stored(fleet, context), GENERATION));
      return recheck(key, resolved, refusedStatus(fleet, context, key, result, skew));
    }

    Optional<Secret> stored = configSecret.getSecondaryResource(fleet, context);
    long generation = annotation(stored, FleetNames.CONFIG_GENERATION_ANNOTATION);
    String hash =
        stored.map(s -> annotationText(s, FleetNames.CONFIG_HASH_ANNOTATION)).orElse(null);
    Snapshot snapshot = null;
    if (result.config() != null) {
      snapshot = snapshot(fleet, result, stored, distributor.highestReported(key));
      events.rendered(fleet, secrets, snapshot.generation(), snapshot.generation() != generation);
      if (snapshot.generation() != generation) {
        metrics.snapshotChanged();
        log.info(
            "snapshot fleet={} generation={} hash={} buckets={} rejected={}",
            key,
            snapshot.generation(),
            snapshot.hash(),
            result.acceptedCount(),
            result.rejectedCount());
      }
      context.managedWorkflowAndDependentResourceContext().put(Snapshot.CONTEXT_KEY, snapshot);
      configSecret.reconcile(fleet, context);
      generation = snapshot.generation();
      hash = snapshot.hash();
    } else {
      log.warn("fleet={} invalid, keeping the stored snapshot: {}", key, result.fleetProblems());
      events.invalid(fleet, result.fleetProblems());
    }
    registry.publish(key, result.byBucket(), generation);
    Optional<Secret> token = adminToken.reconcile(fleet, context).getSingleResource();
    if (token.isEmpty()) {
      token = adminToken.getSecondaryResource(fleet, context);
    }
    String adminPassword = token.map(S3ProxyConfigReconciler::tokenOf).orElse(null);
    List<PodTarget> podTargets = List.of();
    if (adminPassword != null) {
      int adminPort =
          snapshot != null ? snapshot.config().admin().listen().port() : specAdminPort(fleet);
      podTargets = targets(fleet, adminPort);
      distributor.offer(
          key,
          snapshot == null
              ? null
              : new Distributor.Desired(
                  snapshot.config(),
                  snapshot.hash(),
                  snapshot.generation(),
                  adminPassword,
                  observedNanos),
          podTargets);
    }
    FleetProgress progress = distributor.progress(key);
    registry.programmed(key, progress == null ? -1 : progress.programmedGeneration());
    // The ServiceAccount first: a pod is only admitted once the account it names exists.
    if (ServiceAccountDependentResource.wanted(fleet)) {
      serviceAccount.reconcile(fleet, context);
    } else {
      serviceAccount.delete(fleet, context);
    }
    Tls tls = reconcileTls(key, fleet, context);
    CertificateConditions.Outcome served =
        served(key, fleet, tls.status(), adminPassword, podTargets);
    context
        .managedWorkflowAndDependentResourceContext()
        .put(
            DeploymentDependentResource.USES_POD_IDENTITY_KEY,
            attached.stream().anyMatch(S3ProxyConfigReconciler::usesPodIdentity));
    // A cache that does not fit the pods' memory leaves the Deployment as it is: applying the
    // rest of the spec would start pods whose JVM limits cannot hold the cache.
    Deployment pods =
        CacheSizing.of(FleetSpecs.spec(fleet)).problem() != null
            ? null
            : deployment.reconcile(fleet, context).getSingleResource().orElse(null);
    if (pods == null) {
      pods = deployment.getSecondaryResource(fleet, context).orElse(null);
    }
    if (HorizontalPodAutoscalerDependentResource.wanted(fleet)) {
      autoscaler.reconcile(fleet, context);
    } else {
      autoscaler.delete(fleet, context);
    }
    service.reconcile(fleet, context);
    if (PodDisruptionBudgetDependentResource.wanted(fleet)) {
      disruptionBudget.reconcile(fleet, context);
    } else {
      disruptionBudget.delete(fleet, context);
    }
    ServiceMonitors.Outcome monitor = serviceMonitors.reconcile(fleet);

    S3ProxyConfigStatus status = new S3ProxyConfigStatus();
    long observed = Objects.requireNonNullElse(fleet.getMetadata().getGeneration(), 0L);
    status.setObservedGeneration(observed);
    status.setConfigGeneration(generation > 0 ? generation : null);
    status.setConfigHash(hash);
    // Under autoscaling the wanted count is what the autoscaler last set on the Deployment.
    int replicas =
        FleetSpecs.deploymentReplicas(
            fleet, pods == null || pods.getSpec() == null ? null : pods.getSpec().getReplicas());
    int ready =
        pods == null || pods.getStatus() == null || pods.getStatus().getReadyReplicas() == null
            ? 0
            : pods.getStatus().getReadyReplicas();
    int current =
        pods == null || pods.getStatus() == null || pods.getStatus().getReplicas() == null
            ? 0
            : pods.getStatus().getReplicas();
    status.setReplicas(current);
    status.setReadyReplicas(ready);
    status.setBuckets(
        new S3ProxyConfigStatus.BucketCounts(
            (int) result.acceptedCount(), (int) result.rejectedCount()));
    status.setTls(served == null ? tls.status() : served.tls());
    List<String> problems = result.fleetProblems().stream().map(p -> trim(p)).toList();
    List<io.fabric8.kubernetes.api.model.Condition> computed =
        new ArrayList<>(
            FleetConditions.of(
                new FleetConditions.Inputs(
                    key.toString(),
                    FleetNames.configSecret(fleet),
                    generation,
                    hash,
                    problems,
                    replicas,
                    ready,
                    result.acceptedCount(),
                    result.rejectedCount(),
                    monitor == ServiceMonitors.Outcome.CRD_MISSING,
                    progress)));
    List<String> podProblems = PodSecurity.problems(FleetSpecs.spec(fleet));
    if (!podProblems.isEmpty()) {
      computed =
          new ArrayList<>(
              FleetConditions.withProblem(
                  computed,
                  "Invalid",
                  trim(
                      "the pods keep their security contexts; fix the S3ProxyConfig spec: "
                          + String.join("; ", podProblems))));
    }
    if (tls.problem() != null) {
      computed =
          new ArrayList<>(
              FleetConditions.withProblem(computed, "TlsSecretInvalid", trim(tls.problem())));
    }
    if (served != null) {
      computed.add(served.condition());
    }
    computed.addAll(SkewConditions.of(skew));
    if (!skew.none() && !sameSkew(fleet.getStatus(), computed)) {
      log.warn("fleet={} written for a newer operator: {}", key, skew.message());
    }
    status.setConditions(
        Conditions.merge(
            fleet.getStatus() == null ? null : fleet.getStatus().getConditions(),
            keepProgrammedUntilPodsAnswer(fleet, computed, progress, generation),
            observed,
            clock.instant()));
    metrics.reconciled("S3ProxyConfig", true);
    if (sameStatus(fleet.getStatus(), status)) {
      return recheck(key, resolved, UpdateControl.noUpdate());
    }
    fleet.setStatus(status);
    StatusWrites.replace(fleet, context);
    return recheck(key, resolved, UpdateControl.noUpdate());
  }

  /**
   * Schedules another look at a fleet while a Secret it references is not in the cache, with
   * backoff; a fleet whose Secrets are all cached relies on the Secret events alone.
   */
  private UpdateControl<S3ProxyConfig> recheck(
      ObjectKey key, ReferencedSecrets.Resolved resolved, UpdateControl<S3ProxyConfig> control) {
    if (resolved.uncached().isEmpty()) {
      rechecks.remove(key);
      return control;
    }
    int attempt = rechecks.merge(key, 1, (a, b) -> a >= 30 ? a : a + 1);
    java.time.Duration delay =
        ReferencedSecrets.recheckAfter(
            attempt, java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    log.debug(
        "fleet={} re-checks in {} ms: Secrets not in the cache {}",
        key,
        delay.toMillis(),
        resolved.uncached());
    return control.rescheduleAfter(delay);
  }

  private Optional<Secret> stored(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    return configSecret.getSecondaryResource(fleet, context);
  }

  /** The status of a fleet this operator version refuses to apply; nothing else is touched. */
  private UpdateControl<S3ProxyConfig> refusedStatus(
      S3ProxyConfig fleet,
      Context<S3ProxyConfig> context,
      ObjectKey key,
      RenderResult result,
      VersionSkew skew) {
    Optional<Secret> stored = stored(fleet, context);
    long generation = annotation(stored, GENERATION);
    String hash =
        stored.map(s -> annotationText(s, FleetNames.CONFIG_HASH_ANNOTATION)).orElse(null);
    Deployment pods = deployment.getSecondaryResource(fleet, context).orElse(null);
    int ready =
        pods == null || pods.getStatus() == null || pods.getStatus().getReadyReplicas() == null
            ? 0
            : pods.getStatus().getReadyReplicas();
    int current =
        pods == null || pods.getStatus() == null || pods.getStatus().getReplicas() == null
            ? 0
            : pods.getStatus().getReplicas();
    int desired =
        pods == null || pods.getSpec() == null || pods.getSpec().getReplicas() == null
            ? current
            : pods.getSpec().getReplicas();
    FleetProgress progress = distributor.progress(key);
    S3ProxyConfigStatus status = new S3ProxyConfigStatus();
    long observed = Objects.requireNonNullElse(fleet.getMetadata().getGeneration(), 0L);
    status.setObservedGeneration(observed);
    status.setConfigGeneration(generation > 0 ? generation : null);
    status.setConfigHash(hash);
    status.setReplicas(current);
    status.setReadyReplicas(ready);
    status.setBuckets(
        new S3ProxyConfigStatus.BucketCounts(
            (int) result.acceptedCount(), (int) result.rejectedCount()));
    status.setTls(fleet.getStatus() == null ? null : fleet.getStatus().getTls());
    List<io.fabric8.kubernetes.api.model.Condition> computed =
        new ArrayList<>(
            FleetConditions.of(
                new FleetConditions.Inputs(
                    key.toString(),
                    FleetNames.configSecret(fleet),
                    generation,
                    hash,
                    List.of(trim(skew.refusal())),
                    desired,
                    ready,
                    result.acceptedCount(),
                    result.rejectedCount(),
                    false,
                    progress)));
    computed.addAll(SkewConditions.of(skew));
    if (!sameSkew(fleet.getStatus(), computed)) {
      log.warn(
          "fleet={} refused, owned objects and pods left as they are: {}", key, skew.message());
    }
    status.setConditions(
        Conditions.merge(
            fleet.getStatus() == null ? null : fleet.getStatus().getConditions(),
            computed,
            observed,
            clock.instant()));
    metrics.reconciled("S3ProxyConfig", true);
    if (sameStatus(fleet.getStatus(), status)) {
      return UpdateControl.noUpdate();
    }
    fleet.setStatus(status);
    StatusWrites.replace(fleet, context);
    return UpdateControl.noUpdate();
  }

  /** Whether the status already carries this VersionSkew condition (to log a change once). */
  private static boolean sameSkew(
      S3ProxyConfigStatus status, List<io.fabric8.kubernetes.api.model.Condition> computed) {
    var next = Conditions.find(computed, SkewConditions.VERSION_SKEW);
    var old =
        status == null
            ? null
            : Conditions.find(status.getConditions(), SkewConditions.VERSION_SKEW);
    return next != null && old != null && Objects.equals(next.getMessage(), old.getMessage());
  }

  @Override
  public ErrorStatusUpdateControl<S3ProxyConfig> updateErrorStatus(
      S3ProxyConfig fleet, Context<S3ProxyConfig> context, Exception e) {
    metrics.reconciled("S3ProxyConfig", false);
    log.warn("reconcile failed fleet={} error={}", ObjectKey.of(fleet), e.toString());
    S3ProxyConfigStatus status =
        fleet.getStatus() == null ? new S3ProxyConfigStatus() : fleet.getStatus();
    List<io.fabric8.kubernetes.api.model.Condition> next = new ArrayList<>();
    for (var condition : status.getConditions()) {
      if (!FleetConditions.DEGRADED.equals(condition.getType())) {
        next.add(condition);
      }
    }
    next.add(
        Conditions.of(
            FleetConditions.DEGRADED,
            Conditions.TRUE,
            "ReconcileError",
            "the operator could not apply the fleet's objects and retries with backoff: "
                + trim(e.getMessage() == null ? e.toString() : e.getMessage())));
    long observed = Objects.requireNonNullElse(fleet.getMetadata().getGeneration(), 0L);
    status.setConditions(Conditions.merge(status.getConditions(), next, observed, clock.instant()));
    fleet.setStatus(status);
    try {
      StatusWrites.replace(fleet, context);
    } catch (RuntimeException failed) {
      log.warn(
          "could not write the status of fleet={} error={}",
          ObjectKey.of(fleet),
          failed.toString());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private static boolean usesPodIdentity(S3ProxyBucket bucket) {
    return bucket.getSpec() != null
        && bucket.getSpec().getCredentials() != null
        && Boolean.TRUE.equals(bucket.getSpec().getCredentials().getPodIdentity());
  }

  /**
   * Right after an operator start no pod has answered yet; a fleet that was programmed at this
   * generation keeps saying so until the pods answer, instead of flapping to False meanwhile.
   */
  private static List<io.fabric8.kubernetes.api.model.Condition> keepProgrammedUntilPodsAnswer(
      S3ProxyConfig fleet,
      List<io.fabric8.kubernetes.api.model.Condition> computed,
      FleetProgress progress,
      long generation) {
    var status = fleet.getStatus();
    var previous =
        status == null ? null : Conditions.find(status.getConditions(), FleetConditions.PROGRAMMED);
    if (progress == null
        || !progress.awaitingFirstAnswers()
        || previous == null
        || !Conditions.TRUE.equals(previous.getStatus())
        || status.getConfigGeneration() == null
        || status.getConfigGeneration() != generation) {
      return computed;
    }
    List<io.fabric8.kubernetes.api.model.Condition> kept = new ArrayList<>();
    for (var condition : computed) {
      kept.add(
          FleetConditions.PROGRAMMED.equals(condition.getType())
              ? Conditions.of(
                  FleetConditions.PROGRAMMED,
                  previous.getStatus(),
                  previous.getReason(),
                  previous.getMessage())
              : condition);
    }
    return kept;
  }

  /**
   * The snapshot to store: the stored generation when the content is unchanged, else one more than
   * any generation seen (in the stored Secret, the status, or reported by a pod), so a proxy never
   * receives a lower generation for new content, even after an operator restart or the loss of the
   * stored generation.
   */
  private static Snapshot snapshot(
      S3ProxyConfig fleet, RenderResult result, Optional<Secret> stored, long reported) {
    String hash = result.hash();
    long statusGeneration =
        fleet.getStatus() == null || fleet.getStatus().getConfigGeneration() == null
            ? 0
            : fleet.getStatus().getConfigGeneration();
    String statusHash = fleet.getStatus() == null ? null : fleet.getStatus().getConfigHash();
    long generation;
    if (stored.isPresent()) {
      long storedGeneration = annotation(stored, FleetNames.CONFIG_GENERATION_ANNOTATION);
      String storedHash = annotationText(stored.get(), FleetNames.CONFIG_HASH_ANNOTATION);
      generation =
          hash.equals(storedHash) && storedGeneration > 0 && storedGeneration >= reported
              ? storedGeneration
              : Math.max(Math.max(statusGeneration, storedGeneration), reported) + 1;
    } else {
      generation =
          hash.equals(statusHash) && statusGeneration > 0 && statusGeneration >= reported
              ? statusGeneration
              : Math.max(statusGeneration, reported) + 1;
    }
    return new Snapshot(result.config(), hash, generation);
  }

  /**
   * Renders the fleet, or reuses the previous result when none of the inputs changed: most
   * reconciles of a programmed fleet come from pod answers and status writes, and a fleet of 1,000
   * buckets should not be rendered again for each.
   */
  private RenderResult render(
      ObjectKey key,
      S3ProxyConfig fleet,
      List<S3ProxyBucket> attached,
      ReferencedSecrets.Resolved secrets,
      Map<String, Map<String, String>> labels) {
    List<Object> inputs = new ArrayList<>(3 + attached.size() + secrets.versions().size());
    inputs.add(fleet.getMetadata().getUid() + "/" + fleet.getMetadata().getGeneration());
    inputs.add(labels);
    for (S3ProxyBucket bucket : attached) {
      inputs.add(bucket.getMetadata().getUid() + "/" + bucket.getMetadata().getGeneration());
    }
    // A Secret's version says whether the render read it whole or only its metadata: the copy
    // read while the cache lagged and the cached one share a resourceVersion.
    inputs.addAll(secrets.versions());
    RenderCache cached = renders.get(key);
    if (cached != null && cached.inputs().equals(inputs)) {
      return cached.result();
    }
    RenderResult result =
        metrics.timeRender(() -> ConfigRenderer.render(fleet, attached, secrets.secrets(), labels));
    renders.put(key, new RenderCache(inputs, result));
    return result;
  }

  private record RenderCache(List<Object> inputs, RenderResult result) {}

  /** What the fleet's TLS stands at: the certificate the pods are given, and any problem. */
  private record Tls(S3ProxyConfigStatus.TlsStatus status, String problem) {}

  private record TlsCheckCache(String version, TlsSecretCheck.Outcome outcome) {}

  /**
   * Checks the fleet's TLS Secret and, when it holds a pair the proxy can load, copies it into the
   * operator's TLS Secret that the pods mount; otherwise that Secret keeps the last good pair and
   * the problem goes on status. A labelled Secret comes from the cache and its changes re-run the
   * reconcile at once; an unlabelled one is read directly, at each reconcile (at least every 5
   * minutes).
   */
  private Tls reconcileTls(ObjectKey key, S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    var server = FleetSpecs.spec(fleet).getServer();
    String source =
        server == null || server.getTls() == null ? null : server.getTls().getSecretName();
    if (source == null) {
      tlsChecks.remove(key);
      tlsSecret.delete(fleet, context);
      return new Tls(null, null);
    }
    if (source.equals(FleetNames.tlsSecret(fleet))) {
      return new Tls(
          null,
          "spec.server.tls.secretName: "
              + source
              + " is the name of the operator's own copy of the certificate; rename the Secret");
    }
    String namespace = fleet.getMetadata().getNamespace();
    Secret user =
        credentials
            .get(new ResourceID(source, namespace))
            .orElseGet(
                () -> context.getClient().secrets().inNamespace(namespace).withName(source).get());
    String version =
        user == null
            ? "absent"
            : user.getMetadata().getUid() + "/" + user.getMetadata().getResourceVersion();
    TlsCheckCache cached = tlsChecks.get(key);
    TlsSecretCheck.Outcome outcome;
    if (cached != null && cached.version().equals(source + "/" + version)) {
      outcome = cached.outcome();
    } else {
      outcome = TlsSecretCheck.check(source, user);
      tlsChecks.put(key, new TlsCheckCache(source + "/" + version, outcome));
      if (!outcome.valid()) {
        log.warn("fleet={} keeps its last good certificate: {}", key, outcome.problem());
      }
    }
    Optional<Secret> served;
    if (outcome.valid()) {
      var values = context.managedWorkflowAndDependentResourceContext();
      values.put(TlsSecretDependentResource.CONTEXT_KEY, outcome.pair());
      values.put(TlsSecretDependentResource.SOURCE_KEY, source);
      served = tlsSecret.reconcile(fleet, context).getSingleResource();
      if (served.isEmpty()) {
        served = tlsSecret.getSecondaryResource(fleet, context);
      }
    } else {
      served = tlsSecret.getSecondaryResource(fleet, context);
    }
    S3ProxyConfigStatus.TlsStatus status =
        served
            .map(
                s ->
                    new S3ProxyConfigStatus.TlsStatus(
                        annotationText(s, FleetNames.TLS_SOURCE_ANNOTATION),
                        annotationText(s, FleetNames.TLS_SERIAL_ANNOTATION),
                        annotationText(s, FleetNames.TLS_NOT_AFTER_ANNOTATION)))
            .orElse(null);
    if (outcome.valid()) {
      return new Tls(status, null);
    }
    return new Tls(
        status,
        outcome.problem()
            + (status == null
                ? "; no valid certificate has been seen yet, so proxy pods cannot start"
                : "; the pods keep serving the last good certificate (serial "
                    + status.getSerialNumber()
                    + ", notAfter "
                    + status.getNotAfter()
                    + ")"));
  }

  /**
   * What the fleet's ready pods serve, by their own report, against the certificate they are given;
   * null without TLS. Asks the pods not known to serve it (asynchronously: an answer that changes
   * something runs this reconcile again).
   */
  private CertificateConditions.Outcome served(
      ObjectKey key,
      S3ProxyConfig fleet,
      S3ProxyConfigStatus.TlsStatus given,
      String token,
      List<PodTarget> targets) {
    CertificateProbe probe = distributor.certificates();
    if (given == null || given.getSerialNumber() == null || token == null) {
      probe.forget(key);
      return null;
    }
    probe.observe(key, given.getSerialNumber(), token, targets);
    var pods = probe.certificates(key);
    var status = fleet.getStatus();
    return CertificateConditions.keepUntilPodsAnswer(
        CertificateConditions.of(given, pods),
        pods,
        status == null ? null : status.getTls(),
        status == null
            ? null
            : Conditions.find(status.getConditions(), CertificateConditions.CERTIFICATE_CURRENT));
  }

  /** The fleet's running pods with an IP: those the distributor pushes to. */
  private List<PodTarget> targets(S3ProxyConfig fleet, int defaultAdminPort) {
    Map<String, String> selector = FleetNames.selector(fleet);
    List<PodTarget> targets = new ArrayList<>();
    pods.list(
            fleet.getMetadata().getNamespace(),
            pod ->
                pod.getMetadata().getLabels() != null
                    && pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .forEach(
            pod -> {
              PodTarget target = ProxyPods.target(pod, defaultAdminPort);
              if (target != null) {
                targets.add(target);
              }
            });
    return targets;
  }

  static int specAdminPort(S3ProxyConfig fleet) {
    var server = fleet.getSpec() == null ? null : fleet.getSpec().getServer();
    return server == null || server.getAdminPort() == null
        ? AdminConfig.defaults().listen().port()
        : server.getAdminPort();
  }

  static String tokenOf(Secret secret) {
    String data = secret.getData() == null ? null : secret.getData().get(PodLayout.ADMIN_TOKEN_KEY);
    if (data == null) {
      return null;
    }
    String token = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8).strip();
    return token.isEmpty() ? null : token;
  }

  private static long annotation(Optional<Secret> secret, String name) {
    String text = secret.map(s -> annotationText(s, name)).orElse(null);
    if (text == null) {
      return 0;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String annotationText(Secret secret, String name) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }

  /** The fleet a bucket references. */
  static ObjectKey target(S3ProxyBucket bucket) {
    var ref = bucket.getSpec() == null ? null : bucket.getSpec().getProxyRef();
    if (ref == null || ref.getName() == null) {
      return null;
    }
    String namespace =
        ref.getNamespace() == null || ref.getNamespace().isEmpty()
            ? bucket.getMetadata().getNamespace()
            : ref.getNamespace();
    return new ObjectKey(namespace, ref.getName());
  }

  /** The fleet a bucket references now and the one that last rendered it (it may have moved). */
  private Set<ResourceID> fleetsOfBucket(S3ProxyBucket bucket) {
    Set<ResourceID> fleets = new HashSet<>();
    ObjectKey target = target(bucket);
    if (target != null) {
      fleets.add(new ResourceID(target.name(), target.namespace()));
    }
    registry
        .fleetOf(ObjectKey.of(bucket))
        .ifPresent(f -> fleets.add(new ResourceID(f.name(), f.namespace())));
    return fleets;
  }

  /** Only the fleets whose JWT keys or buckets reference the Secret. */
  private Set<ResourceID> fleetsOfSecret(Secret secret, EventSourceContext<S3ProxyConfig> context) {
    String name = secret.getMetadata().getName();
    String namespace = secret.getMetadata().getNamespace();
    Set<ResourceID> fleets =
        buckets
            .list(namespace, b -> name.equals(secretName(b)))
            .flatMap(b -> fleetsOfBucket(b).stream())
            .collect(Collectors.toSet());
    context
        .getPrimaryCache()
        .list(namespace, f -> jwtSecretNames(f).contains(name) || name.equals(tlsSecretName(f)))
        .forEach(f -> fleets.add(ResourceID.fromResource(f)));
    return fleets;
  }

  /** The fleet's TLS Secret, or null. */
  static String tlsSecretName(S3ProxyConfig fleet) {
    var server = fleet.getSpec() == null ? null : fleet.getSpec().getServer();
    return server == null || server.getTls() == null ? null : server.getTls().getSecretName();
  }

  /** Names of the Secrets (in the fleet's namespace) holding the fleet's JWT key material. */
  static Set<String> jwtSecretNames(S3ProxyConfig fleet) {
    Set<String> names = new HashSet<>();
    var jwt = fleet.getSpec() == null ? null : fleet.getSpec().getJwt();
    if (jwt == null || jwt.getIssuers() == null) {
      return names;
    }
    for (var issuer : jwt.getIssuers()) {
      if (issuer.getKeys() != null) {
        for (var key : issuer.getKeys()) {
          if (key.getSecretKeyRef() != null && key.getSecretKeyRef().getName() != null) {
            names.add(key.getSecretKeyRef().getName());
          }
        }
      }
    }
    return names;
  }

  private static String secretName(S3ProxyBucket bucket) {
    var spec = bucket.getSpec();
    if (spec == null
        || spec.getCredentials() == null
        || spec.getCredentials().getSecretRef() == null) {
      return null;
    }
    return spec.getCredentials().getSecretRef().getName();
  }

  /** The Secrets the fleet's JWT keys and buckets reference: see {@link ReferencedSecrets}. */
  private ReferencedSecrets.Resolved referencedSecrets(
      S3ProxyConfig fleet, List<S3ProxyBucket> attached, Context<S3ProxyConfig> context) {
    Set<ObjectKey> wanted = new TreeSet<>();
    for (String name : jwtSecretNames(fleet)) {
      wanted.add(new ObjectKey(fleet.getMetadata().getNamespace(), name));
    }
    for (S3ProxyBucket bucket : attached) {
      String name = secretName(bucket);
      if (name != null) {
        wanted.add(new ObjectKey(bucket.getMetadata().getNamespace(), name));
      }
    }
    return ReferencedSecrets.resolve(
        wanted,
        key -> credentials.get(new ResourceID(key.name(), key.namespace())),
        key ->
            context.getClient().secrets().inNamespace(key.namespace()).withName(key.name()).get());
  }

  private Map<String, Map<String, String>> namespaceLabels(
      S3ProxyConfig fleet, List<S3ProxyBucket> attached) {
    if (!FleetSpecsSupport.usesSelector(fleet)) {
      return Map.of();
    }
    Map<String, Map<String, String>> labels = new HashMap<>();
    for (S3ProxyBucket bucket : attached) {
      String namespace = bucket.getMetadata().getNamespace();
      namespaces
          .get(new ResourceID(namespace))
          .ifPresent(
              n ->
                  labels.put(
                      namespace,
                      n.getMetadata().getLabels() == null
                          ? Map.of()
                          : n.getMetadata().getLabels()));
    }
    return labels;
  }

  private static boolean sameStatus(S3ProxyConfigStatus old, S3ProxyConfigStatus next) {
    if (old == null) {
      return false;
    }
    return Objects.equals(old.getObservedGeneration(), next.getObservedGeneration())
        && Objects.equals(old.getConfigGeneration(), next.getConfigGeneration())
        && Objects.equals(old.getConfigHash(), next.getConfigHash())
        && Objects.equals(old.getReplicas(), next.getReplicas())
        && Objects.equals(old.getReadyReplicas(), next.getReadyReplicas())
        && Objects.equals(old.getTls(), next.getTls())
        && old.getBuckets() != null
        && old.getBuckets().getAccepted() == next.getBuckets().getAccepted()
        && old.getBuckets().getRejected() == next.getBuckets().getRejected()
        && Conditions.sameContent(old.getConditions(), next.getConditions());
  }

  private static String trim(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
  }

  /** Small questions about a fleet's spec that the mappers ask. */
  static final class FleetSpecsSupport {
    private FleetSpecsSupport() {}

    static boolean usesSelector(S3ProxyConfig fleet) {
      var rule = fleet.getSpec() == null ? null : fleet.getSpec().getBucketNamespaces();
      return rule != null && rule.getFrom() == BucketNamespaces.From.Selector;
    }
  }
}
