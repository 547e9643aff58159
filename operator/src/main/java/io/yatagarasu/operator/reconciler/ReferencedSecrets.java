package io.yatagarasu.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.yatagarasu.operator.distribute.Backoff;
import io.yatagarasu.operator.render.Labels;
import io.yatagarasu.operator.render.ObjectKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Secrets a fleet's render reads, and what identifies each for the render cache.
 *
 * <p>The label-filtered informer cache is the usual source. A referenced Secret the cache does not
 * hold is read once directly: a labelled one is only missing because the cache lags behind the API
 * server (its watch event is still on its way), so it is used whole; an unlabelled one keeps only
 * its metadata, so the render can say it is unlabelled without the operator reading its data. Each
 * Secret's version says which of these it was, so the render is redone once the cache catches up.
 * While any referenced Secret is missing from the cache the fleet is checked again with backoff, so
 * no ordering of informer events can leave a bucket rejected for a Secret that has since appeared.
 */
final class ReferencedSecrets {
  /** Re-checks of a fleet whose Secrets are not all in the cache: 1 s, doubling, up to 1 min. */
  static final Backoff RECHECK = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  /** How a Secret reached the render. */
  enum Source {
    /** From the informer cache. */
    CACHED,
    /** Read directly, labelled: used whole. */
    READ,
    /** Read directly, unlabelled: metadata only. */
    METADATA_ONLY
  }

  /**
   * @param secrets what the renderer gets
   * @param versions one entry per Secret: uid, resourceVersion and {@link Source}
   * @param uncached the referenced Secrets the cache does not hold (missing, unlabelled or not
   *     there yet)
   */
  record Resolved(List<Secret> secrets, List<String> versions, Set<ObjectKey> uncached) {
    Resolved {
      secrets = List.copyOf(secrets);
      versions = List.copyOf(versions);
      uncached = Set.copyOf(uncached);
    }
  }

  private ReferencedSecrets() {}

  /**
   * Resolves {@code wanted} (in order) from {@code cache}, falling back to {@code direct} (which
   * answers null for a Secret that does not exist).
   */
  static Resolved resolve(
      Set<ObjectKey> wanted,
      Function<ObjectKey, Optional<Secret>> cache,
      Function<ObjectKey, Secret> direct) {
    List<Secret> secrets = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    List<ObjectKey> uncached = new ArrayList<>();
    for (ObjectKey key : wanted) {
      Optional<Secret> cached = cache.apply(key);
      if (cached.isPresent()) {
        secrets.add(cached.get());
        versions.add(version(cached.get(), Source.CACHED));
        continue;
      }
      uncached.add(key);
      Secret read = direct.apply(key);
      if (read == null) {
        continue;
      }
      if (labelled(read)) {
        secrets.add(read);
        versions.add(version(read, Source.READ));
      } else {
        secrets.add(new SecretBuilder().withMetadata(read.getMetadata()).build());
        versions.add(version(read, Source.METADATA_ONLY));
      }
    }
    return new Resolved(secrets, versions, Set.copyOf(uncached));
  }

  /** What identifies a Secret's contribution to a render. */
  static String version(Secret secret, Source source) {
    return secret.getMetadata().getUid()
        + "/"
        + secret.getMetadata().getResourceVersion()
        + "/"
        + source;
  }

  /** The delay before the {@code attempt}th re-check (1 for the first) of an uncached Secret. */
  static Duration recheckAfter(int attempt, double jitter) {
    return Duration.ofNanos(RECHECK.nanos(Math.max(1, attempt), jitter));
  }

  private static boolean labelled(Secret secret) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(Labels.CREDENTIALS));
  }
}
