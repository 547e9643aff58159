package io.yatagarasu.proxy.ratelimit;

import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.RateLimit;
import io.yatagarasu.config.RateLimitsConfig;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The rate limiters of a running proxy. A new configuration gets the same limiter objects (with
 * their current tokens) wherever its limits did not change, so a hot swap resets only the limits it
 * changed.
 */
public final class RateLimiters {
  private final LongSupplier clock;
  private TokenBucket global;
  private KeyedLimiter clients;
  private KeyedLimiter subjects;
  private Map<String, TokenBucket> buckets = Map.of();

  public RateLimiters(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** The limits of one configuration, reusing unchanged limiters. */
  public synchronized Limits forConfig(ProxyConfig config) {
    RateLimitsConfig limits = config.rateLimits();
    global = reuse(global, limits.global());
    clients = reuse(clients, limits.perClientIp(), limits.maxTrackedKeys());
    subjects = reuse(subjects, limits.perSubject(), limits.maxTrackedKeys());
    Map<String, TokenBucket> next = new HashMap<>();
    for (BucketConfig bucket : config.buckets()) {
      TokenBucket kept = reuse(buckets.get(bucket.name()), bucket.rateLimit());
      if (kept != null) {
        next.put(bucket.name(), kept);
      }
    }
    buckets = Map.copyOf(next);
    return new Limits(global, clients, subjects, buckets, clock);
  }

  private TokenBucket reuse(TokenBucket current, RateLimit wanted) {
    if (wanted == null) {
      return null;
    }
    return current != null && current.limit().equals(wanted)
        ? current
        : new TokenBucket(wanted, clock.getAsLong());
  }

  private KeyedLimiter reuse(KeyedLimiter current, RateLimit wanted, int maxKeys) {
    if (wanted == null) {
      return null;
    }
    return current != null && current.sameSettings(wanted, maxKeys)
        ? current
        : new KeyedLimiter(wanted, maxKeys, clock);
  }

  /** Which limit refused a request, and when to try again. */
  public record Refusal(String scope, RateLimit limit, long retryAfterNanos) {
    /** Whole seconds to wait, at least 1 (for Retry-After and RateLimit-Reset). */
    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
    }
  }

  /** The limiters one snapshot uses. */
  public static final class Limits {
    private final TokenBucket global;
    private final KeyedLimiter clients;
    private final KeyedLimiter subjects;
    private final Map<String, TokenBucket> buckets;
    private final LongSupplier clock;

    Limits(
        TokenBucket global,
        KeyedLimiter clients,
        KeyedLimiter subjects,
        Map<String, TokenBucket> buckets,
        LongSupplier clock) {
      this.global = global;
      this.clients = clients;
      this.subjects = subjects;
      this.buckets = buckets;
      this.clock = clock;
    }

    /** Whether there is a per-client address limit (so the client address must be known). */
    public boolean limitsClients() {
      return clients != null;
    }

    /** Checks the global, bucket and client address limits; null when the request may go on. */
    public Refusal admit(String bucket, byte[] clientAddress) {
      long now = clock.getAsLong();
      if (global != null) {
        long wait = global.take(now);
        if (wait > 0) {
          return new Refusal("global", global.limit(), wait);
        }
      }
      TokenBucket perBucket = buckets.get(bucket);
      if (perBucket != null) {
        long wait = perBucket.take(now);
        if (wait > 0) {
          return new Refusal("bucket", perBucket.limit(), wait);
        }
      }
      if (clients != null) {
        long wait = clients.take(ByteBuffer.wrap(clientAddress));
        if (wait > 0) {
          return new Refusal("client", clients.limit(), wait);
        }
      }
      return null;
    }

    /** Checks the per-subject limit of a verified token; null when the request may go on. */
    public Refusal admitSubject(String issuer, String subject) {
      if (subjects == null || subject == null) {
        return null;
      }
      long wait = subjects.take(issuer + "\u0000" + subject);
      return wait > 0 ? new Refusal("subject", subjects.limit(), wait) : null;
    }

    /** Client addresses tracked now, for tests of the memory bound. */
    public long trackedClients() {
      return clients == null ? 0 : clients.trackedKeys();
    }
  }
}
