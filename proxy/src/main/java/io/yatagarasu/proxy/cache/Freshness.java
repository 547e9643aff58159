package io.yatagarasu.proxy.cache;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;

/**
 * How long a stored response is fresh and how old it is, as RFC 9111 section 4.2 says for a shared
 * cache. All times are milliseconds of the cache's clock.
 *
 * @param responseTime when the response was received
 * @param correctedInitialAge its age when received (RFC 9111 4.2.3: {@code Age}, the time in
 *     transit and the {@code Date} header's distance from the response time)
 * @param lifetime its freshness lifetime ({@code s-maxage}, {@code max-age}, {@code Expires} minus
 *     {@code Date}, or the bucket's ttl when S3 gave none of them)
 * @param noCache {@code no-cache}: stored, but revalidated before every use
 * @param forbidsStale never served stale, not even when S3 fails
 */
public record Freshness(
    long responseTime,
    long correctedInitialAge,
    long lifetime,
    boolean noCache,
    boolean forbidsStale) {

  /**
   * The freshness of a response received at {@code responseTime} for a request sent at {@code
   * requestTime}, with {@code defaultTtl} when S3 states no lifetime.
   */
  public static Freshness of(
      HttpHeaders response, long requestTime, long responseTime, long defaultTtl) {
    CacheControl cc = CacheControl.parse(response.getAll(HttpHeaderNames.CACHE_CONTROL));
    Long date = httpDate(response.get(HttpHeaderNames.DATE));
    long lifetime = lifetime(cc, response.getAll(HttpHeaderNames.EXPIRES), date, responseTime);
    if (lifetime < 0) {
      lifetime = defaultTtl;
    }
    long apparentAge = date == null ? 0 : Math.max(0, responseTime - date);
    long responseDelay = Math.max(0, responseTime - requestTime);
    long correctedAgeValue = ageSeconds(response.get(HttpHeaderNames.AGE)) * 1000 + responseDelay;
    long correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
    return new Freshness(
        responseTime, correctedInitialAge, lifetime, cc.noCache(), cc.forbidsStale());
  }

  /** The explicit lifetime S3 gave, or -1 when it gave none. */
  static long lifetime(CacheControl cc, java.util.List<String> expires, Long date, long now) {
    if (cc.sMaxAge() >= 0) {
      return cc.sMaxAge() * 1000;
    }
    if (cc.maxAge() >= 0) {
      return cc.maxAge() * 1000;
    }
    if (!expires.isEmpty()) {
      // An invalid Expires (such as "0") means already expired (RFC 9111 5.3).
      Long at = expires.size() == 1 ? httpDate(expires.get(0)) : null;
      if (at == null) {
        return 0;
      }
      return Math.max(0, at - (date == null ? now : date));
    }
    return -1;
  }

  /** The age of the response now, in milliseconds. */
  public long currentAge(long now) {
    return correctedInitialAge + Math.max(0, now - responseTime);
  }

  /** Whether it may be served without asking S3. */
  public boolean isFresh(long now) {
    return !noCache && currentAge(now) < lifetime;
  }

  /**
   * Whether it may be served in place of an S3 failure: stale for less than {@code staleIfError}
   * milliseconds, and S3 did not forbid serving it stale.
   */
  public boolean usableOnError(long now, long staleIfError) {
    return !forbidsStale && staleIfError > 0 && currentAge(now) - lifetime < staleIfError;
  }

  /** The {@code Age} header value: whole seconds. */
  public long ageSeconds(long now) {
    return currentAge(now) / 1000;
  }

  private static long ageSeconds(String age) {
    if (age == null) {
      return 0;
    }
    String s = age.trim();
    if (s.isEmpty() || s.length() > 10) {
      return s.isEmpty() ? 0 : 2_147_483_648L;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return 0;
      }
    }
    return Long.parseLong(s);
  }

  /** An HTTP-date (IMF-fixdate, RFC 850 or asctime) in epoch milliseconds, or null. */
  static Long httpDate(String value) {
    if (value == null) {
      return null;
    }
    Date date = DateFormatter.parseHttpDate(value.trim());
    return date == null ? null : date.getTime();
  }
}
