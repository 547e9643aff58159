package io.yatagarasu.proxy.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.yatagarasu.config.JwtConfig;
import io.yatagarasu.config.JwtIssuer;
import io.yatagarasu.config.JwtKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Verifies JWTs for one configuration: signature with a key pinned to the token's algorithm,
 * issuer, audience, expiry and not-before with the configured clock skew. Verified tokens are
 * cached (bounded, never past their expiry), so a repeated token costs a hash and a comparison.
 */
public final class JwtVerifier {
  /** Tokens longer than this are refused before any parsing. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  /**
   * Verified tokens kept, {@code -Dyatagarasu.jwt.cacheSize} (default 100,000); 0 turns the cache
   * off, so every request pays a full verification (what the uncached load benchmark measures).
   */
  static final long CACHE_SIZE = Math.max(0, Long.getLong("yatagarasu.jwt.cacheSize", 100_000));

  private final List<IssuerKeys> issuers;
  private final long skewMillis;
  private final LongSupplier clock;
  private final Cache<Long, Cached> cache;
  private final Set<String> jwksKeys;

  /** One configured issuer and where its keys come from. */
  private record IssuerKeys(JwtIssuer config, List<Keys.Candidate> staticKeys, JwksSource jwks) {}

  private record Cached(String token, VerifiedToken verified) {}

  private JwtVerifier(
      List<IssuerKeys> issuers,
      long skewMillis,
      LongSupplier clock,
      Set<String> jwksKeys,
      long cacheSize) {
    this.issuers = List.copyOf(issuers);
    this.skewMillis = skewMillis;
    this.clock = clock;
    this.jwksKeys = Set.copyOf(jwksKeys);
    this.cache =
        cacheSize == 0
            ? null
            : Caffeine.newBuilder()
                // Upkeep (draining the read buffer, eviction, expiry) runs on the thread that
                // verifies, a few microseconds every few dozen reads: handed to the common pool,
                // it woke a second thread every ~9 requests, a context switch each on a busy CPU.
                .executor(Runnable::run)
                .maximumSize(cacheSize)
                .expireAfter(
                    new Expiry<Long, Cached>() {
                      @Override
                      public long expireAfterCreate(Long key, Cached value, long currentTime) {
                        long left = value.verified().expiresAtMillis() - clock.getAsLong();
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, left));
                      }

                      @Override
                      public long expireAfterUpdate(
                          Long key, Cached value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                      }

                      @Override
                      public long expireAfterRead(
                          Long key, Cached value, long currentTime, long currentDuration) {
                        return currentDuration;
                      }
                    })
                .build();
  }

  /**
   * Loads every static key and registers every JWKS URL.
   *
   * @throws IllegalArgumentException naming the key that cannot be loaded, e.g. {@code
   *     jwt.issuers[0].keys[1].publicKey: does not fit RS256 (expected: an RSA public key)}
   */
  public static JwtVerifier build(JwtConfig config, JwksRegistry registry, LongSupplier clock) {
    return build(config, registry, clock, CACHE_SIZE);
  }

  /**
   * As {@link #build(JwtConfig, JwksRegistry, LongSupplier)}, keeping at most {@code cacheSize}.
   */
  static JwtVerifier build(
      JwtConfig config, JwksRegistry registry, LongSupplier clock, long cacheSize) {
    List<IssuerKeys> issuers = new ArrayList<>();
    Set<String> jwksKeys = new HashSet<>();
    for (int i = 0; i < config.issuers().size(); i++) {
      JwtIssuer issuer = config.issuers().get(i);
      List<Keys.Candidate> keys = new ArrayList<>();
      for (int k = 0; k < issuer.keys().size(); k++) {
        JwtKey key = issuer.keys().get(k);
        try {
          keys.add(Keys.load(key));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "jwt.issuers[" + i + "].keys[" + k + "]." + e.getMessage(), e);
        }
      }
      JwksSource jwks = null;
      if (issuer.jwksUrl() != null) {
        jwks = registry.source(issuer.jwksUrl(), issuer.jwksRefreshInterval());
        jwksKeys.add(JwksRegistry.key(issuer.jwksUrl(), issuer.jwksRefreshInterval()));
      }
      issuers.add(new IssuerKeys(issuer, List.copyOf(keys), jwks));
    }
    return new JwtVerifier(issuers, config.clockSkew().toMillis(), clock, jwksKeys, cacheSize);
  }

  /** Loads every static key without registering any JWKS URL: what {@code --validate} checks. */
  public static List<String> checkKeys(JwtConfig config) {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < config.issuers().size(); i++) {
      List<JwtKey> keys = config.issuers().get(i).keys();
      for (int k = 0; k < keys.size(); k++) {
        try {
          Keys.load(keys.get(k));
        } catch (IllegalArgumentException e) {
          errors.add("jwt.issuers[" + i + "].keys[" + k + "]." + e.getMessage());
        }
      }
    }
    return errors;
  }

  /** Verified tokens held in the cache now (0 when the cache is off). */
  long cachedTokens() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** The JWKS sources this configuration uses (for {@link JwksRegistry#retainOnly}). */
  public Set<String> jwksInUse() {
    return jwksKeys;
  }

  /**
   * Verifies {@code token} for a bucket that trusts {@code allowedIssuers} (issuer names; empty
   * means every configured issuer). Never throws for any input.
   */
  public Verification verify(String token, List<String> allowedIssuers) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return Verification.refused(TokenProblem.TOO_LARGE);
    }
    if (cache == null) {
      return verifyUncached(token, null, allowedIssuers, true);
    }
    long key = cacheKey(token);
    Cached hit = cache.getIfPresent(key);
    if (hit != null && hit.token().equals(token)) {
      VerifiedToken verified = hit.verified();
      if (clock.getAsLong() >= verified.expiresAtMillis() + skewMillis) {
        return Verification.refused(TokenProblem.EXPIRED);
      }
      return allowed(verified.issuerName(), allowedIssuers)
          ? Verification.ok(verified)
          : Verification.refused(TokenProblem.ISSUER);
    }
    return verifyUncached(token, key, allowedIssuers, true);
  }

  /**
   * Checks a token as a first sight would, without reading or filling the cache: what a token costs
   * the first time (benchmarks and diagnostics).
   */
  public Verification verifyUncached(String token, List<String> allowedIssuers) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return Verification.refused(TokenProblem.TOO_LARGE);
    }
    return verifyUncached(token, null, allowedIssuers, false);
  }

  private Verification verifyUncached(
      String token, Long cacheKey, List<String> allowedIssuers, boolean mayFetch) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      JWT parsed = JWTParser.parse(token);
      if (!(parsed instanceof SignedJWT signed)) {
        // An unsecured (alg "none") or encrypted token.
        return Verification.refused(
            parsed instanceof com.nimbusds.jwt.PlainJWT
                ? TokenProblem.ALGORITHM
                : TokenProblem.MALFORMED);
      }
      jwt = signed;
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return Verification.refused(TokenProblem.MALFORMED);
    }
    JWSHeader header = jwt.getHeader();
    if (header.getJWKURL() != null
        || header.getX509CertURL() != null
        || header.getJWK() != null
        || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
      return Verification.refused(TokenProblem.FORBIDDEN_HEADER);
    }
    String iss = claims.getIssuer();
    IssuerKeys issuer = null;
    for (IssuerKeys candidate : issuers) {
      if (candidate.config().issuer().equals(iss)
          && allowed(candidate.config().name(), allowedIssuers)) {
        issuer = candidate;
        break;
      }
    }
    if (issuer == null) {
      return Verification.refused(TokenProblem.ISSUER);
    }
    String kid = header.getKeyID();
    String alg = header.getAlgorithm().getName();
    boolean kidKnown = false;
    boolean verified = false;
    for (Keys.Candidate candidate : candidates(issuer)) {
      if (!kidMatches(candidate, kid, issuer)) {
        continue;
      }
      kidKnown = true;
      if (!candidate.algorithm().name().equals(alg)
          && !(alg.equals("Ed25519") && candidate.algorithm().name().equals("EdDSA"))) {
        continue;
      }
      try {
        if (jwt.verify(candidate.verifier())) {
          verified = true;
          break;
        }
      } catch (JOSEException | RuntimeException e) {
        // a malformed signature for this key: try the next key, then refuse
      }
    }
    if (!verified) {
      if (!kidKnown) {
        JwksSource jwks = issuer.jwks();
        if (mayFetch && jwks != null) {
          CompletableFuture<Void> fetch = jwks.fetchForUnknownKey();
          if (fetch != null) {
            return Verification.pending(
                fetch.thenApply(ignored -> verifyUncached(token, cacheKey, allowedIssuers, false)));
          }
        }
        return Verification.refused(TokenProblem.UNKNOWN_KEY);
      }
      return Verification.refused(
          anyAlgorithmMatches(issuer, kid, alg) ? TokenProblem.SIGNATURE : TokenProblem.ALGORITHM);
    }
    long now = clock.getAsLong();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return Verification.refused(TokenProblem.NO_EXPIRY);
    }
    if (now >= exp.getTime() + skewMillis) {
      return Verification.refused(TokenProblem.EXPIRED);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now + skewMillis < nbf.getTime()) {
      return Verification.refused(TokenProblem.NOT_YET_VALID);
    }
    List<String> audiences = issuer.config().audiences();
    if (!audiences.isEmpty()) {
      List<String> tokenAudiences = claims.getAudience();
      if (tokenAudiences == null || tokenAudiences.stream().noneMatch(audiences::contains)) {
        return Verification.refused(TokenProblem.AUDIENCE);
      }
    }
    Map<String, Object> all = claims.toJSONObject();
    VerifiedToken token1 =
        new VerifiedToken(issuer.config().name(), claims.getSubject(), all, exp.getTime());
    if (cacheKey != null) {
      cache.put(cacheKey, new Cached(token, token1));
    }
    return Verification.ok(token1);
  }

  private static List<Keys.Candidate> candidates(IssuerKeys issuer) {
    if (issuer.jwks() == null) {
      return issuer.staticKeys();
    }
    List<Keys.Candidate> fromUrl = issuer.jwks().keys();
    if (issuer.staticKeys().isEmpty()) {
      return fromUrl;
    }
    List<Keys.Candidate> all = new ArrayList<>(issuer.staticKeys());
    all.addAll(fromUrl);
    return all;
  }

  /** A token without a kid may use an issuer's only key, or a key configured without a kid. */
  private static boolean kidMatches(Keys.Candidate candidate, String kid, IssuerKeys issuer) {
    if (kid == null) {
      return candidate.kid() == null || candidates(issuer).size() == 1;
    }
    return kid.equals(candidate.kid());
  }

  private static boolean anyAlgorithmMatches(IssuerKeys issuer, String kid, String alg) {
    for (Keys.Candidate candidate : candidates(issuer)) {
      if (kidMatches(candidate, kid, issuer) && candidate.algorithm().name().equals(alg)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowed(String issuerName, List<String> allowedIssuers) {
    return allowedIssuers.isEmpty() || allowedIssuers.contains(issuerName);
  }

  /**
   * A 64-bit hash of the end of the signature (high-entropy bytes) and the token's length: cheap,
   * and a collision only costs a miss, since a hit also compares the whole token.
   */
  static long cacheKey(String token) {
    int start = Math.max(token.lastIndexOf('.') + 1, token.length() - 32);
    long h = 0xcbf29ce484222325L;
    for (int i = start; i < token.length(); i++) {
      h = (h ^ token.charAt(i)) * 0x100000001b3L;
    }
    return h ^ token.length();
  }
}
