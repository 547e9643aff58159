package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of a fleet; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = TolerantDeserializer.ConfigStatus.class)
public class S3ProxyConfigStatus {
  /** How many of the attached buckets are in the snapshot. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BucketCounts {
    @JsonPropertyDescription("Buckets in the current snapshot.")
    private int accepted;

    @JsonPropertyDescription(
        "Buckets that reference this fleet but are left out; see their status.")
    private int rejected;

    public BucketCounts() {}

    public BucketCounts(int accepted, int rejected) {
      this.accepted = accepted;
      this.rejected = rejected;
    }

    public int getAccepted() {
      return accepted;
    }

    public void setAccepted(int accepted) {
      this.accepted = accepted;
    }

    public int getRejected() {
      return rejected;
    }

    public void setRejected(int rejected) {
      this.rejected = rejected;
    }
  }

  /** The certificate one ready pod's data listener serves, as the pod reports it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PodCertificate {
    @JsonPropertyDescription("The Pod's name.")
    private String name;

    @JsonPropertyDescription(
        "Serial number (hex) of the certificate the pod's data listener serves; absent until the"
            + " pod answered.")
    private String serialNumber;

    @JsonPropertyDescription("When the certificate the pod serves expires (RFC 3339).")
    private String notAfter;

    @JsonPropertyDescription("Whether the pod serves the certificate of status.tls.serialNumber.")
    private boolean current;

    @JsonPropertyDescription("Why the pod's certificate is unknown, when it is.")
    private String message;

    public PodCertificate() {}

    public PodCertificate(
        String name, String serialNumber, String notAfter, boolean current, String message) {
      this.name = name;
      this.serialNumber = serialNumber;
      this.notAfter = notAfter;
      this.current = current;
      this.message = message;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getSerialNumber() {
      return serialNumber;
    }

    public void setSerialNumber(String serialNumber) {
      this.serialNumber = serialNumber;
    }

    public String getNotAfter() {
      return notAfter;
    }

    public void setNotAfter(String notAfter) {
      this.notAfter = notAfter;
    }

    public boolean isCurrent() {
      return current;
    }

    public void setCurrent(boolean current) {
      this.current = current;
    }

    public String getMessage() {
      return message;
    }

    public void setMessage(String message) {
      this.message = message;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PodCertificate p
          && current == p.current
          && java.util.Objects.equals(name, p.name)
          && java.util.Objects.equals(serialNumber, p.serialNumber)
          && java.util.Objects.equals(notAfter, p.notAfter)
          && java.util.Objects.equals(message, p.message);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(name, serialNumber, notAfter, current, message);
    }
  }

  /** The certificate the fleet's pods are given to serve, and what each ready pod serves. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TlsStatus {
    @JsonPropertyDescription("The kubernetes.io/tls Secret the certificate was taken from.")
    private String secretName;

    @JsonPropertyDescription("Serial number of the certificate the pods serve, in hex.")
    private String serialNumber;

    @JsonPropertyDescription("When that certificate expires (RFC 3339).")
    private String notAfter;

    @JsonPropertyDescription("Ready pods that serve that certificate, by their own report.")
    private Integer currentPods;

    @JsonPropertyDescription(
        "The certificate each ready pod's data listener serves, by the pod's own report"
            + " (GET /admin/tls).")
    private List<PodCertificate> pods;

    public TlsStatus() {}

    public TlsStatus(String secretName, String serialNumber, String notAfter) {
      this.secretName = secretName;
      this.serialNumber = serialNumber;
      this.notAfter = notAfter;
    }

    public String getSecretName() {
      return secretName;
    }

    public void setSecretName(String secretName) {
      this.secretName = secretName;
    }

    public String getSerialNumber() {
      return serialNumber;
    }

    public void setSerialNumber(String serialNumber) {
      this.serialNumber = serialNumber;
    }

    public String getNotAfter() {
      return notAfter;
    }

    public void setNotAfter(String notAfter) {
      this.notAfter = notAfter;
    }

    public Integer getCurrentPods() {
      return currentPods;
    }

    public void setCurrentPods(Integer currentPods) {
      this.currentPods = currentPods;
    }

    public List<PodCertificate> getPods() {
      return pods;
    }

    public void setPods(List<PodCertificate> pods) {
      this.pods = pods;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TlsStatus t
          && java.util.Objects.equals(secretName, t.secretName)
          && java.util.Objects.equals(serialNumber, t.serialNumber)
          && java.util.Objects.equals(notAfter, t.notAfter)
          && java.util.Objects.equals(currentPods, t.currentPods)
          && java.util.Objects.equals(pods, t.pods);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(secretName, serialNumber, notAfter, currentPods, pods);
    }
  }

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, Programmed and Degraded.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Generation of the rendered snapshot; increases when its hash changes.")
  private Long configGeneration;

  @JsonPropertyDescription("SHA-256 of the rendered snapshot's canonical JSON.")
  private String configHash;

  @JsonPropertyDescription("Proxy pods of the Deployment.")
  private Integer replicas;

  @JsonPropertyDescription("Proxy pods that pass their readiness probe.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Accepted and rejected bucket counts.")
  private BucketCounts buckets;

  @JsonPropertyDescription(
      "With server.tls: the last valid certificate of the TLS Secret, which the pods serve.")
  private TlsStatus tls;

  public TlsStatus getTls() {
    return tls;
  }

  public void setTls(TlsStatus tls) {
    this.tls = tls;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getConfigGeneration() {
    return configGeneration;
  }

  public void setConfigGeneration(Long configGeneration) {
    this.configGeneration = configGeneration;
  }

  public String getConfigHash() {
    return configHash;
  }

  public void setConfigHash(String configHash) {
    this.configHash = configHash;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public BucketCounts getBuckets() {
    return buckets;
  }

  public void setBuckets(BucketCounts buckets) {
    this.buckets = buckets;
  }
}
