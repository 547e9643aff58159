package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** JWT verification for the fleet's jwt buckets: trusted issuers, clock skew, token sources. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JwtSettings {
  /** The signature algorithms a key may be pinned to. */
  public enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA
  }

  /** A static verification key whose material is read from a labelled Secret. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Key {
    @JsonPropertyDescription(
        "Key id tokens name in their header; required when an issuer has several keys.")
    private String kid;

    @JsonPropertyDescription("The algorithm the key is pinned to.")
    @Required
    private Algorithm algorithm;

    @JsonPropertyDescription(
        "Where the key material is: a PEM or JWK public key for RS/PS/ES/EdDSA, the shared secret"
            + " for HS algorithms. The Secret lives in the fleet's namespace.")
    @Required
    private SecretKeyRef secretKeyRef;

    public String getKid() {
      return kid;
    }

    public void setKid(String kid) {
      this.kid = kid;
    }

    public Algorithm getAlgorithm() {
      return algorithm;
    }

    public void setAlgorithm(Algorithm algorithm) {
      this.algorithm = algorithm;
    }

    public SecretKeyRef getSecretKeyRef() {
      return secretKeyRef;
    }

    public void setSecretKeyRef(SecretKeyRef secretKeyRef) {
      this.secretKeyRef = secretKeyRef;
    }
  }

  /** A trusted token issuer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.jwksUrl) || (has(self.keys) && size(self.keys) > 0)",
      message = "an issuer needs a jwksUrl, keys, or both")
  public static class Issuer {
    @JsonPropertyDescription("Name buckets use in auth.issuers (lowercase letters, digits, '-').")
    @Required
    @Pattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
    private String name;

    @JsonPropertyDescription("The iss claim value tokens must carry.")
    @Required
    private String issuer;

    @JsonPropertyDescription("Accepted aud values (any one must match); empty accepts any.")
    private List<String> audiences;

    @JsonPropertyDescription("URL of the issuer's JWKS document.")
    @Pattern("^https?://")
    private String jwksUrl;

    @JsonPropertyDescription("How often the JWKS is fetched again (default 10m).")
    @Pattern(Durations.PATTERN)
    private String jwksRefreshInterval;

    @JsonPropertyDescription("Static keys, their material in Secrets.")
    private List<Key> keys;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getIssuer() {
      return issuer;
    }

    public void setIssuer(String issuer) {
      this.issuer = issuer;
    }

    public List<String> getAudiences() {
      return audiences;
    }

    public void setAudiences(List<String> audiences) {
      this.audiences = audiences;
    }

    public String getJwksUrl() {
      return jwksUrl;
    }

    public void setJwksUrl(String jwksUrl) {
      this.jwksUrl = jwksUrl;
    }

    public String getJwksRefreshInterval() {
      return jwksRefreshInterval;
    }

    public void setJwksRefreshInterval(String jwksRefreshInterval) {
      this.jwksRefreshInterval = jwksRefreshInterval;
    }

    public List<Key> getKeys() {
      return keys;
    }

    public void setKeys(List<Key> keys) {
      this.keys = keys;
    }
  }

  /** Where a request's token is looked for: one of header (with prefix), query or cookie. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(has(self.header) ? 1 : 0) + (has(self.query) ? 1 : 0) + (has(self.cookie) ? 1 : 0)"
              + " == 1",
      message = "set exactly one of header, query or cookie")
  @ValidationRule(
      value = "!has(self.prefix) || has(self.header)",
      message = "prefix is only allowed with header")
  public static class TokenSource {
    @JsonPropertyDescription("A request header, e.g. Authorization.")
    private String header;

    @JsonPropertyDescription("Text before the token in the header, e.g. \"Bearer \".")
    private String prefix;

    @JsonPropertyDescription("A query parameter, e.g. token.")
    private String query;

    @JsonPropertyDescription("A cookie name.")
    private String cookie;

    public String getHeader() {
      return header;
    }

    public void setHeader(String header) {
      this.header = header;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public String getQuery() {
      return query;
    }

    public void setQuery(String query) {
      this.query = query;
    }

    public String getCookie() {
      return cookie;
    }

    public void setCookie(String cookie) {
      this.cookie = cookie;
    }
  }

  @JsonPropertyDescription("Trusted issuers.")
  private List<Issuer> issuers;

  @JsonPropertyDescription("Allowed clock difference for exp and nbf (default 30s, at most 10m).")
  @Pattern(Durations.PATTERN)
  private String clockSkew;

  @JsonPropertyDescription(
      "Where tokens are looked for, in order (default: Authorization header, prefix \"Bearer \").")
  private List<TokenSource> tokenSources;

  public List<Issuer> getIssuers() {
    return issuers;
  }

  public void setIssuers(List<Issuer> issuers) {
    this.issuers = issuers;
  }

  public String getClockSkew() {
    return clockSkew;
  }

  public void setClockSkew(String clockSkew) {
    this.clockSkew = clockSkew;
  }

  public List<TokenSource> getTokenSources() {
    return tokenSources;
  }

  public void setTokenSources(List<TokenSource> tokenSources) {
    this.tokenSources = tokenSources;
  }
}
