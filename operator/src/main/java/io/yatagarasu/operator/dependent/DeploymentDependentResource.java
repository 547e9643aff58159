package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.render.PodLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy pods. Nothing in the pod template depends on the rendered snapshot (no hash annotation,
 * no inlined config), so a Secret change or a bucket change never restarts a pod: the snapshot is
 * mounted from the config Secret, read at start-up, and pushed to running pods by the distributor.
 * The one exception is deliberate: the first bucket that uses the pod's identity (or the removal of
 * the last one) turns the ServiceAccount token mount on (or off), which rolls the pods once.
 */
public class DeploymentDependentResource extends FleetDependent<Deployment> {
  public static final String CONTAINER = "proxy";
  public static final String HTTP_PORT_NAME = "http";
  public static final String ADMIN_PORT_NAME = "admin";

  /**
   * The key under which the reconciler says whether a bucket of the fleet signs with the pod's
   * identity (a Boolean); the pods then mount their ServiceAccount token.
   */
  public static final String USES_POD_IDENTITY_KEY = "yatagarasu.usesPodIdentity";

  private final String defaultImage;

  public DeploymentDependentResource(String defaultImage) {
    super(Deployment.class, FleetNames.PROXY);
    this.defaultImage = Objects.requireNonNull(defaultImage, "defaultImage");
  }

  private static final String TLS_VOLUME = "tls";

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.deployment(fleet);
  }

  @Override
  protected Deployment desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    boolean usesPodIdentity =
        context
            .managedWorkflowAndDependentResourceContext()
            .get(USES_POD_IDENTITY_KEY, Boolean.class)
            .orElse(false);
    return desired(fleet, usesPodIdentity, getSecondaryResource(fleet, context).orElse(null));
  }

  /** The Deployment of a fleet, given whether a bucket of it signs with the pod's identity. */
  Deployment desired(S3ProxyConfig fleet, boolean usesPodIdentity) {
    return desired(fleet, usesPodIdentity, null);
  }

  /**
   * The Deployment of a fleet, given the existing one ({@code live}, null before it exists): under
   * autoscaling its replica count is kept, so the operator never undoes the autoscaler's choice;
   * and when the spec's security overrides break the restricted profile, its security contexts are
   * kept rather than changed to something nobody asked for.
   */
  Deployment desired(S3ProxyConfig fleet, boolean usesPodIdentity, Deployment live) {
    S3ProxyConfigSpec spec = FleetSpecs.spec(fleet);
    Integer liveReplicas =
        live == null || live.getSpec() == null ? null : live.getSpec().getReplicas();
    boolean overridesAllowed = PodSecurity.problems(spec).isEmpty();
    PodSecurityContext podSecurity = PodSecurity.pod(spec, overridesAllowed);
    SecurityContext containerSecurity = PodSecurity.container(spec, overridesAllowed);
    if (!overridesAllowed && live != null) {
      podSecurity = livePodSecurity(live, podSecurity);
      containerSecurity = liveContainerSecurity(live, containerSecurity);
    }
    Map<String, String> podLabels = new LinkedHashMap<>();
    if (spec.getPodLabels() != null) {
      podLabels.putAll(spec.getPodLabels());
    }
    podLabels.putAll(FleetNames.labels(fleet, FleetNames.PROXY));
    return new DeploymentBuilder()
        .withMetadata(metadata(fleet))
        .withNewSpec()
        .withReplicas(FleetSpecs.deploymentReplicas(fleet, liveReplicas))
        .withNewSelector()
        .withMatchLabels(FleetNames.selector(fleet))
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(spec.getPodAnnotations())
        .endMetadata()
        .withSpec(
            new PodSpecBuilder()
                .withServiceAccountName(FleetSpecs.serviceAccountName(fleet))
                .withAutomountServiceAccountToken(FleetSpecs.automountToken(fleet, usesPodIdentity))
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds((long) FleetSpecs.graceSeconds(fleet))
                .withNodeSelector(spec.getNodeSelector())
                .withTolerations(spec.getTolerations())
                .withAffinity(spec.getAffinity())
                .withTopologySpreadConstraints(spreads(fleet, spec))
                .withPriorityClassName(spec.getPriorityClassName())
                .withImagePullSecrets(spec.getImagePullSecrets())
                .withSecurityContext(podSecurity)
                .withContainers(container(fleet, spec, containerSecurity))
                .addNewVolume()
                .withName("config")
                .withNewSecret()
                .withSecretName(FleetNames.configSecret(fleet))
                .withDefaultMode(0440)
                .endSecret()
                .endVolume()
                .addNewVolume()
                .withName("admin-token")
                .withNewSecret()
                .withSecretName(FleetNames.adminTokenSecret(fleet))
                .withDefaultMode(0440)
                .endSecret()
                .endVolume()
                .addNewVolume()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .endVolume()
                .addAllToVolumes(tlsVolumes(fleet, spec))
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSecurityContext livePodSecurity(Deployment live, PodSecurityContext fallback) {
    var template = live.getSpec() == null ? null : live.getSpec().getTemplate();
    return template == null
            || template.getSpec() == null
            || template.getSpec().getSecurityContext() == null
        ? fallback
        : template.getSpec().getSecurityContext();
  }

  private static SecurityContext liveContainerSecurity(Deployment live, SecurityContext fallback) {
    var template = live.getSpec() == null ? null : live.getSpec().getTemplate();
    if (template == null
        || template.getSpec() == null
        || template.getSpec().getContainers() == null) {
      return fallback;
    }
    return template.getSpec().getContainers().stream()
        .filter(c -> CONTAINER.equals(c.getName()) && c.getSecurityContext() != null)
        .map(Container::getSecurityContext)
        .findFirst()
        .orElse(fallback);
  }

  private Container container(
      S3ProxyConfig fleet, S3ProxyConfigSpec spec, SecurityContext securityContext) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(spec.getImage() == null ? defaultImage : spec.getImage())
        .withArgs(List.of("--config", PodLayout.CONFIG_FILE))
        .addNewPort()
        .withName(HTTP_PORT_NAME)
        .withContainerPort(FleetSpecs.dataPort(fleet))
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName(ADMIN_PORT_NAME)
        .withContainerPort(FleetSpecs.adminPort(fleet))
        .withProtocol("TCP")
        .endPort()
        .withLivenessProbe(probe("/health", 10, 3))
        .withReadinessProbe(probe("/ready", 5, 2))
        .withResources(spec.getResources())
        .withSecurityContext(securityContext)
        .addNewVolumeMount()
        .withName("config")
        .withMountPath(PodLayout.CONFIG_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("admin-token")
        .withMountPath(PodLayout.ADMIN_TOKEN_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addAllToVolumeMounts(
            tlsSecret(spec) == null
                ? List.of()
                : List.of(
                    new VolumeMountBuilder()
                        .withName(TLS_VOLUME)
                        .withMountPath(PodLayout.TLS_DIR)
                        .withReadOnly(true)
                        .build()))
        .build();
  }

  // A constraint without a labelSelector would count no pod; it means the fleet's own pods.
  private static List<TopologySpreadConstraint> spreads(
      S3ProxyConfig fleet, S3ProxyConfigSpec spec) {
    if (spec.getTopologySpreadConstraints() == null) {
      return null;
    }
    return spec.getTopologySpreadConstraints().stream()
        .map(
            c ->
                c.getLabelSelector() != null
                    ? c
                    : new TopologySpreadConstraintBuilder(c)
                        .withNewLabelSelector()
                        .withMatchLabels(FleetNames.selector(fleet))
                        .endLabelSelector()
                        .build())
        .toList();
  }

  /** The data listener's TLS Secret, or null without TLS. */
  private static String tlsSecret(S3ProxyConfigSpec spec) {
    return spec.getServer() == null || spec.getServer().getTls() == null
        ? null
        : spec.getServer().getTls().getSecretName();
  }

  // A Secret volume, not subPath mounts: the kubelet swaps the files when the Secret changes and
  // the proxy reloads them without a restart. The operator's verified copy, never the user's
  // Secret itself, so a malformed Secret never reaches a pod.
  private static List<Volume> tlsVolumes(S3ProxyConfig fleet, S3ProxyConfigSpec spec) {
    if (tlsSecret(spec) == null) {
      return List.of();
    }
    String secret = FleetNames.tlsSecret(fleet);
    return List.of(
        new VolumeBuilder()
            .withName(TLS_VOLUME)
            .withNewSecret()
            .withSecretName(secret)
            .withDefaultMode(0440)
            .endSecret()
            .build());
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(ADMIN_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }
}
