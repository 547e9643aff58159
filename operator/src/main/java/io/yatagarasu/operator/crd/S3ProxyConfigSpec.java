package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** What a platform team declares for one proxy fleet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = TolerantDeserializer.ConfigSpec.class)
@ValidationRule(
    value = "!has(self.replicas) || !has(self.autoscaling)",
    message =
        "set replicas or autoscaling, not both: with autoscaling the HorizontalPodAutoscaler sets"
            + " the number of pods between autoscaling.minReplicas and autoscaling.maxReplicas")
@ValidationRule(
    value =
        "!has(self.autoscaling) || !has(self.autoscaling.targetCPUUtilizationPercentage)"
            + " || (has(self.resources) && has(self.resources.requests)"
            + " && 'cpu' in self.resources.requests)",
    message = "autoscaling.targetCPUUtilizationPercentage needs resources.requests.cpu")
@ValidationRule(
    value =
        "!has(self.autoscaling) || !has(self.autoscaling.targetMemoryUtilizationPercentage)"
            + " || (has(self.resources) && has(self.resources.requests)"
            + " && 'memory' in self.resources.requests)",
    message = "autoscaling.targetMemoryUtilizationPercentage needs resources.requests.memory")
public class S3ProxyConfigSpec implements ReadTolerantly {
  @JsonIgnore private transient SpecReading reading = SpecReading.CLEAN;

  @JsonPropertyDescription(
      "Number of proxy pods (default 2; excludes autoscaling). A PodDisruptionBudget is created"
          + " when above 1.")
  @Min(0)
  @Max(1000)
  private Integer replicas;

  @JsonPropertyDescription(
      "A HorizontalPodAutoscaler sets the number of proxy pods within this range; excludes"
          + " replicas.")
  private AutoscalingSettings autoscaling;

  @JsonPropertyDescription("Proxy container image; the operator's default image when unset.")
  private String image;

  @JsonPropertyDescription("CPU and memory requests and limits of the proxy container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the proxy pods must run on.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the proxy pods.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity and anti-affinity rules of the proxy pods.")
  private Affinity affinity;

  @JsonPropertyDescription(
      "How the proxy pods spread across zones and nodes; an empty labelSelector selects the"
          + " fleet's pods.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription("PriorityClass of the proxy pods.")
  @Size(max = 253)
  private String priorityClassName;

  @JsonPropertyDescription("Secrets for pulling the proxy image from a private registry.")
  private List<LocalObjectReference> imagePullSecrets;

  @JsonPropertyDescription(
      "Overrides of the pods' security context within the restricted Pod Security Standard.")
  private PodSecuritySettings podSecurityContext;

  @JsonPropertyDescription(
      "Overrides of the proxy container's security context within the restricted Pod Security"
          + " Standard.")
  private ContainerSecuritySettings securityContext;

  @JsonPropertyDescription("Extra labels on the proxy pods (the operator's own labels win).")
  private Map<String, String> podLabels;

  @JsonPropertyDescription("Extra annotations on the proxy pods.")
  private Map<String, String> podAnnotations;

  @JsonPropertyDescription(
      "Seconds the kubelet waits after SIGTERM before killing a proxy pod (default: the proxy's"
          + " server.drainDelay + server.shutdownGracePeriod + 5, i.e. 40).")
  @Min(1)
  @Max(3600)
  private Integer terminationGracePeriodSeconds;

  @JsonPropertyDescription("The Service in front of the proxy pods.")
  private ServiceSettings service;

  @JsonPropertyDescription("The proxy's data and admin listeners.")
  private ServerSettings server;

  @JsonPropertyDescription("Connection settings toward S3, shared by every bucket.")
  private UpstreamSettings upstream;

  @JsonPropertyDescription("Access log settings.")
  private LoggingSettings logging;

  @JsonPropertyDescription(
      "JWT verification for buckets with auth.type jwt; key material comes from Secrets.")
  private JwtSettings jwt;

  @JsonPropertyDescription(
      "Rate limits across all buckets: global, per client address, per JWT subject.")
  private RateLimitsSettings rateLimits;

  @JsonPropertyDescription(
      "The object cache of every pod: off unless enabled; buckets tune it in their spec.cache.")
  private CacheSettings cache;

  @JsonPropertyDescription(
      "Which namespaces may attach S3ProxyBuckets to this fleet (default: the same namespace).")
  private BucketNamespaces bucketNamespaces;

  @JsonPropertyDescription("Prometheus Operator integration.")
  private Monitoring monitoring;

  @JsonPropertyDescription(
      "The ServiceAccount of the proxy pods: created by the operator (default) or an existing"
          + " one; what podIdentity (IRSA, EKS Pod Identity) attaches the cloud identity to.")
  private ServiceAccountSettings serviceAccount;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public AutoscalingSettings getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(AutoscalingSettings autoscaling) {
    this.autoscaling = autoscaling;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Map<String, String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(Map<String, String> podLabels) {
    this.podLabels = podLabels;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public Integer getTerminationGracePeriodSeconds() {
    return terminationGracePeriodSeconds;
  }

  public void setTerminationGracePeriodSeconds(Integer terminationGracePeriodSeconds) {
    this.terminationGracePeriodSeconds = terminationGracePeriodSeconds;
  }

  public ServiceSettings getService() {
    return service;
  }

  public void setService(ServiceSettings service) {
    this.service = service;
  }

  public ServerSettings getServer() {
    return server;
  }

  public void setServer(ServerSettings server) {
    this.server = server;
  }

  public UpstreamSettings getUpstream() {
    return upstream;
  }

  public void setUpstream(UpstreamSettings upstream) {
    this.upstream = upstream;
  }

  public LoggingSettings getLogging() {
    return logging;
  }

  public void setLogging(LoggingSettings logging) {
    this.logging = logging;
  }

  public JwtSettings getJwt() {
    return jwt;
  }

  public void setJwt(JwtSettings jwt) {
    this.jwt = jwt;
  }

  public BucketNamespaces getBucketNamespaces() {
    return bucketNamespaces;
  }

  public void setBucketNamespaces(BucketNamespaces bucketNamespaces) {
    this.bucketNamespaces = bucketNamespaces;
  }

  public Monitoring getMonitoring() {
    return monitoring;
  }

  public void setMonitoring(Monitoring monitoring) {
    this.monitoring = monitoring;
  }

  public RateLimitsSettings getRateLimits() {
    return rateLimits;
  }

  public void setRateLimits(RateLimitsSettings rateLimits) {
    this.rateLimits = rateLimits;
  }

  public CacheSettings getCache() {
    return cache;
  }

  public void setCache(CacheSettings cache) {
    this.cache = cache;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(
      List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public PodSecuritySettings getPodSecurityContext() {
    return podSecurityContext;
  }

  public void setPodSecurityContext(PodSecuritySettings podSecurityContext) {
    this.podSecurityContext = podSecurityContext;
  }

  public ContainerSecuritySettings getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(ContainerSecuritySettings securityContext) {
    this.securityContext = securityContext;
  }

  public ServiceAccountSettings getServiceAccount() {
    return serviceAccount;
  }

  public void setServiceAccount(ServiceAccountSettings serviceAccount) {
    this.serviceAccount = serviceAccount;
  }

  /** What reading this spec skipped or could not read; never serialized. */
  @Override
  public SpecReading reading() {
    return reading;
  }

  @Override
  public void reading(SpecReading reading) {
    this.reading = reading == null ? SpecReading.CLEAN : reading;
  }
}
