package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * The Complete and Failed conditions of an S3ProxyCachePurge, as a Job has them: both False with
 * the same reason while it runs, then exactly one of them True.
 */
public final class PurgeConditions {
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";

  /** Requests are on their way or being retried. */
  public static final String IN_PROGRESS = "InProgress";

  /** Every pod of the set holds nothing the purge names. */
  public static final String PURGED = "Purged";

  /** The deadline passed before every pod purged. */
  public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";

  /** A pod refused the request as invalid. */
  public static final String REJECTED = "Rejected";

  /** The bucketRef names no S3ProxyBucket (yet). */
  public static final String BUCKET_NOT_FOUND = "BucketNotFound";

  /** The proxyRef (or the bucket's proxyRef) names no S3ProxyConfig (yet). */
  public static final String PROXY_NOT_FOUND = "ProxyNotFound";

  /** The fleet's admin-token Secret is missing, so no pod can be asked. */
  public static final String ADMIN_TOKEN_MISSING = "AdminTokenMissing";

  private PurgeConditions() {}

  /** Still running: both conditions False, with why it is not done yet. */
  public static List<Condition> running(String reason, String message) {
    return List.of(
        Conditions.of(COMPLETE, Conditions.FALSE, reason, message),
        Conditions.of(FAILED, Conditions.FALSE, reason, message));
  }

  public static List<Condition> complete(String message) {
    return List.of(
        Conditions.of(COMPLETE, Conditions.TRUE, PURGED, message),
        Conditions.of(FAILED, Conditions.FALSE, PURGED, message));
  }

  public static List<Condition> failed(String reason, String message) {
    return List.of(
        Conditions.of(COMPLETE, Conditions.FALSE, reason, message),
        Conditions.of(FAILED, Conditions.TRUE, reason, message));
  }

  /** Whether the conditions say the purge finished, either way. */
  public static boolean finished(List<Condition> conditions) {
    Condition complete = Conditions.find(conditions, COMPLETE);
    Condition failed = Conditions.find(conditions, FAILED);
    return (complete != null && Conditions.TRUE.equals(complete.getStatus()))
        || (failed != null && Conditions.TRUE.equals(failed.getStatus()));
  }
}
