package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Where a purge stands, pod by pod; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3ProxyCachePurgeStatus {
  /** How one pod's purge ended, so far. */
  public enum Result {
    /** Not answered yet. */
    Pending,
    /** The pod dropped the entries (see purged). */
    Purged,
    /** The pod did not answer, or refused the admin token; retried with backoff. */
    Unreachable,
    /** The pod refused the request as invalid; not retried. */
    Rejected,
    /** The pod's container restarted since the purge started: its cache is empty. */
    Restarted,
    /** The pod is gone: nothing of its cache is left. */
    Deleted;

    /** Whether the pod holds nothing the purge names any more. */
    public boolean done() {
      return this == Purged || this == Restarted || this == Deleted;
    }
  }

  /** One pod of the set that was ready when the purge started. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PodPurge {
    @JsonPropertyDescription("The pod's name.")
    private String name;

    @JsonPropertyDescription("The pod's uid when the purge started; another uid is another pod.")
    private String uid;

    @JsonPropertyDescription("The pod's IP.")
    private String ip;

    @JsonPropertyDescription(
        "The pod's container restarts when the purge started; more means an empty cache.")
    private Integer restartCount;

    @JsonPropertyDescription(
        "Pending, Purged, Unreachable (retried), Rejected, Restarted or Deleted.")
    private Result result;

    @JsonPropertyDescription("Entries the pod dropped (with result Purged).")
    private Long purged;

    @JsonPropertyDescription("Why the last attempt failed, or what happened to the pod.")
    private String message;

    @JsonPropertyDescription("Requests sent to the pod so far.")
    private Integer attempts;

    @JsonPropertyDescription("When the last request was sent.")
    private String lastAttemptTime;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getUid() {
      return uid;
    }

    public void setUid(String uid) {
      this.uid = uid;
    }

    public String getIp() {
      return ip;
    }

    public void setIp(String ip) {
      this.ip = ip;
    }

    public Integer getRestartCount() {
      return restartCount;
    }

    public void setRestartCount(Integer restartCount) {
      this.restartCount = restartCount;
    }

    public Result getResult() {
      return result;
    }

    public void setResult(Result result) {
      this.result = result;
    }

    public Long getPurged() {
      return purged;
    }

    public void setPurged(Long purged) {
      this.purged = purged;
    }

    public String getMessage() {
      return message;
    }

    public void setMessage(String message) {
      this.message = message;
    }

    public Integer getAttempts() {
      return attempts;
    }

    public void setAttempts(Integer attempts) {
      this.attempts = attempts;
    }

    public String getLastAttemptTime() {
      return lastAttemptTime;
    }

    public void setLastAttemptTime(String lastAttemptTime) {
      this.lastAttemptTime = lastAttemptTime;
    }
  }

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Complete and Failed.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The fleet purged, as namespace/name.")
  private String proxy;

  @JsonPropertyDescription(
      "The bucket's name in the fleet's configuration, or * for every bucket of the fleet.")
  private String bucket;

  @JsonPropertyDescription("What is purged, e.g. 2 keys, 1 prefix, or all.")
  private String what;

  @JsonPropertyDescription("Pods done of the pods to purge, e.g. 3/3.")
  private String progress;

  @JsonPropertyDescription("Entries dropped, summed over the pods.")
  private Long purgedEntries;

  @JsonPropertyDescription("When the operator recorded the pods to purge.")
  private String startTime;

  @JsonPropertyDescription("When the purge completed or failed.")
  private String completionTime;

  @JsonPropertyDescription("The pods that were ready when the purge started, and their answers.")
  private List<PodPurge> pods;

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

  public String getProxy() {
    return proxy;
  }

  public void setProxy(String proxy) {
    this.proxy = proxy;
  }

  public String getBucket() {
    return bucket;
  }

  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  public String getWhat() {
    return what;
  }

  public void setWhat(String what) {
    this.what = what;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public Long getPurgedEntries() {
    return purgedEntries;
  }

  public void setPurgedEntries(Long purgedEntries) {
    this.purgedEntries = purgedEntries;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public List<PodPurge> getPods() {
    return pods;
  }

  public void setPods(List<PodPurge> pods) {
    this.pods = pods;
  }
}
