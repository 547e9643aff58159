package io.yatagarasu.operator.render;

import io.yatagarasu.operator.crd.ReadTolerantly;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.SpecReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What this operator version makes of fields it does not understand in one object (written for a
 * newer release): an unknown field is ignored and reported, except inside a block where ignoring it
 * could weaken access control or exposure; there it refuses the whole object. A value it cannot
 * read (wrong type, unknown enum value) always refuses the object. Pure: spec reading in, decision
 * out.
 *
 * @param ignored unknown fields outside the guarded blocks: ignored, the rest of the object applies
 * @param refused unknown fields inside a guarded block, each with the reason it is guarded
 * @param unreadable {@code path: why} for each value that cannot be read
 */
public record VersionSkew(List<String> ignored, List<String> refused, List<String> unreadable) {
  public static final VersionSkew NONE = new VersionSkew(List.of(), List.of(), List.of());

  /** S3ProxyBucket blocks where an unknown field refuses the bucket, and why. */
  public static final Map<String, String> BUCKET_GUARDED =
      Map.of(
          "spec.auth", "it decides who may read through the route",
          "spec.credentials", "it decides which identity signs requests to S3",
          "spec.proxyRef", "it decides which fleet serves the route");

  /** S3ProxyConfig blocks where an unknown field refuses the fleet, and why. */
  public static final Map<String, String> FLEET_GUARDED =
      Map.of(
          "spec.jwt", "it decides how client tokens are verified",
          "spec.bucketNamespaces", "it decides which namespaces may attach buckets",
          "spec.server",
              "it holds the listeners and the trusted proxies that decide client addresses for"
                  + " ipAllow and ipDeny",
          "spec.service", "it decides how the proxies are exposed",
          "spec.serviceAccount", "it decides which cloud identity the proxies may sign with");

  public VersionSkew {
    ignored = List.copyOf(ignored);
    refused = List.copyOf(refused);
    unreadable = List.copyOf(unreadable);
  }

  public static VersionSkew of(S3ProxyBucket bucket) {
    return of(bucket.getSpec(), BUCKET_GUARDED);
  }

  public static VersionSkew of(S3ProxyConfig fleet) {
    return of(fleet.getSpec(), FLEET_GUARDED);
  }

  static VersionSkew of(Object spec, Map<String, String> guarded) {
    SpecReading reading =
        spec instanceof ReadTolerantly tolerant ? tolerant.reading() : SpecReading.CLEAN;
    if (reading.clean()) {
      return NONE;
    }
    List<String> ignored = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String field : reading.unknownFields()) {
      String block = guardingBlock(field, guarded);
      if (block == null) {
        ignored.add(field);
      } else {
        refused.add(field + " (in " + block + ": " + guarded.get(block) + ")");
      }
    }
    return new VersionSkew(ignored, refused, reading.unreadable());
  }

  private static String guardingBlock(String field, Map<String, String> guarded) {
    for (String block : guarded.keySet()) {
      if (field.startsWith(block + ".") || field.startsWith(block + "[")) {
        return block;
      }
    }
    return null;
  }

  /** Nothing unknown, nothing unreadable. */
  public boolean none() {
    return ignored.isEmpty() && refused.isEmpty() && unreadable.isEmpty();
  }

  /** Whether the object must not be used at all. */
  public boolean refuses() {
    return !refused.isEmpty() || !unreadable.isEmpty();
  }

  /** The reason of a refusal: unreadable values first, they are the harder failure. */
  public Reason reason() {
    return unreadable.isEmpty() ? Reason.UnknownFields : Reason.Unreadable;
  }

  /** Why the object is refused, naming every field; empty when it is not. */
  public String refusal() {
    List<String> parts = new ArrayList<>();
    if (!unreadable.isEmpty()) {
      parts.add(
          "this operator version cannot read "
              + String.join("; ", unreadable)
              + "; fix the value, or upgrade the operator if a newer release reads it");
    }
    if (!refused.isEmpty()) {
      parts.add(
          "fields not known to this operator version: "
              + String.join(", ", refused)
              + "; the object is refused rather than applied without them: upgrade the operator"
              + " to the release that added them, or remove them");
    }
    return String.join("; ", parts);
  }

  /** Describes the ignored fields; empty when there are none. */
  public String ignoredMessage() {
    return ignored.isEmpty()
        ? ""
        : "fields not known to this operator version are ignored: "
            + String.join(", ", ignored)
            + "; everything else is applied; upgrade the operator to the release that added them";
  }

  /** The whole picture, for the VersionSkew condition. */
  public String message() {
    String refusal = refusal();
    String ignoredMessage = ignoredMessage();
    if (refusal.isEmpty()) {
      return ignoredMessage;
    }
    return ignoredMessage.isEmpty() ? refusal : refusal + "; " + ignoredMessage;
  }
}
