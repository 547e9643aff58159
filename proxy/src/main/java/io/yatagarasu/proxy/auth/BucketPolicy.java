package io.yatagarasu.proxy.auth;

import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ClaimRule;
import io.yatagarasu.config.PathClaim;
import io.yatagarasu.proxy.cors.CorsPolicy;
import java.util.List;

/**
 * What one bucket asks of a request: its client address rules, whether it needs a token, which
 * issuers it trusts, and what the token's claims must say.
 */
public final class BucketPolicy {
  private final AuthConfig auth;
  private final IpRules ipRules;
  private final CorsPolicy cors;

  /** The outcome of a policy check on a verified token. */
  public enum Decision {
    ALLOW,
    CLAIMS,
    PATH
  }

  private BucketPolicy(AuthConfig auth, IpRules ipRules, CorsPolicy cors) {
    this.auth = auth;
    this.ipRules = ipRules;
    this.cors = cors;
  }

  public static BucketPolicy of(BucketConfig bucket) {
    return new BucketPolicy(
        bucket.auth(), IpRules.of(bucket.ipAllow(), bucket.ipDeny()), CorsPolicy.of(bucket.cors()));
  }

  /** The bucket's CORS policy, or null when it has none. */
  public CorsPolicy cors() {
    return cors;
  }

  public boolean requiresToken() {
    return auth.type() == AuthType.JWT;
  }

  /** Issuer names the bucket trusts; empty means every configured issuer. */
  public List<String> issuers() {
    return auth.issuers();
  }

  /** Whether the bucket has address rules (so a request's client address must be known). */
  public boolean restrictsAddresses() {
    return ipRules.restricts();
  }

  /** Whether a client address (as raw address bytes) may use this bucket at all. */
  public boolean allowsAddress(byte[] address) {
    return ipRules.allows(address);
  }

  /** The claim of the first claim rule {@code token} fails, for the log; null when all hold. */
  public String failedClaim(VerifiedToken token) {
    for (ClaimRule rule : auth.claims()) {
      if (!ClaimMatcher.matches(rule, token.claims())) {
        return rule.claim();
      }
    }
    return null;
  }

  /** Checks the claim rules (all must hold) and the path claim against the decoded path. */
  public Decision check(VerifiedToken token, String decodedPath) {
    for (ClaimRule rule : auth.claims()) {
      if (!ClaimMatcher.matches(rule, token.claims())) {
        return Decision.CLAIMS;
      }
    }
    PathClaim pathClaim = auth.pathClaim();
    if (pathClaim != null) {
      Object value = ClaimMatcher.lookup(token.claims(), pathClaim.claim());
      String segment = value instanceof String || value instanceof Number ? value.toString() : null;
      if (!safeSegment(segment)) {
        return Decision.PATH;
      }
      String allowed = pathClaim.template().replace(PathClaim.PLACEHOLDER, segment);
      if (!decodedPath.startsWith(allowed)
          || (!allowed.endsWith("/")
              && decodedPath.length() > allowed.length()
              && decodedPath.charAt(allowed.length()) != '/')) {
        return Decision.PATH;
      }
    }
    return Decision.ALLOW;
  }

  /** A claim value may name one folder: not empty, no slash, not a dot segment or control. */
  private static boolean safeSegment(String segment) {
    if (segment == null || segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
