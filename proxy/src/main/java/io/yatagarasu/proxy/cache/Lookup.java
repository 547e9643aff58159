package io.yatagarasu.proxy.cache;

import java.util.Locale;

/** How a request's cache lookup ended; the {@code result} tag of the lookup metric. */
public enum Lookup {
  /** Served from a fresh entry. */
  HIT,
  /** Not stored: this request fetched it from S3 (and filled the cache when it could). */
  MISS,
  /** Served from a stale entry because S3 failed. */
  STALE,
  /** A stale entry that S3 confirmed unchanged ({@code 304}) and that was then served. */
  REVALIDATED,
  /** Another request was already fetching it: this one read the same bytes as they arrived. */
  COALESCED,
  /** Not cacheable: a range or conditional request on an unstored object, a query, HEAD, … */
  BYPASS;

  // Once, not per lookup: every request that reaches the cache records its tag.
  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The metric tag value. */
  public String tag() {
    return tag;
  }

  /** Whether the answer came without a body transfer from S3 for this request. */
  public boolean hit() {
    return this == HIT || this == STALE || this == REVALIDATED || this == COALESCED;
  }
}
