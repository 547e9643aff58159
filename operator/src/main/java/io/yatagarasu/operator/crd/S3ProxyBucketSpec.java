package io.yatagarasu.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What an application team declares for one route. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(using = TolerantDeserializer.BucketSpec.class)
public class S3ProxyBucketSpec implements ReadTolerantly {
  @JsonIgnore private transient SpecReading reading = SpecReading.CLEAN;

  /** The fleet a bucket attaches to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ProxyRef {
    @JsonPropertyDescription("Name of the S3ProxyConfig.")
    @Required
    @Size(min = 1, max = 253)
    private String name;

    @JsonPropertyDescription("Namespace of the S3ProxyConfig (default: the bucket's namespace).")
    private String namespace;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }
  }

  /** Where the objects live. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class S3 {
    @JsonPropertyDescription("The S3 bucket name.")
    @Required
    @Size(min = 3, max = 63)
    private String bucket;

    @JsonPropertyDescription("The bucket's region, e.g. eu-west-1 (us-east-1 for most S3 clones).")
    @Required
    @Pattern("^[a-z0-9-]+$")
    private String region;

    @JsonPropertyDescription(
        "S3 endpoint URL without a path, e.g. https://minio.storage:9000 (default: AWS).")
    @Pattern("^https?://")
    private String endpoint;

    @JsonPropertyDescription(
        "Path-style addressing (default: true with an endpoint, false without).")
    private Boolean pathStyle;

    @JsonPropertyDescription("Prepended to every object key; must not start with '/'.")
    private String keyPrefix;

    @JsonPropertyDescription(
        "Failover targets tried in order when this one fails before the first byte.")
    @Size(max = 8)
    private List<S3Replica> replicas;

    public String getBucket() {
      return bucket;
    }

    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }

    public Boolean getPathStyle() {
      return pathStyle;
    }

    public void setPathStyle(Boolean pathStyle) {
      this.pathStyle = pathStyle;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public List<S3Replica> getReplicas() {
      return replicas;
    }

    public void setReplicas(List<S3Replica> replicas) {
      this.replicas = replicas;
    }
  }

  /** A Secret in the bucket's namespace holding static AWS credentials. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SecretRef {
    public static final String DEFAULT_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String DEFAULT_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String DEFAULT_SESSION_TOKEN = "AWS_SESSION_TOKEN";

    @JsonPropertyDescription(
        "Name of the Secret; it must be labelled yatagarasu.io/credentials: \"true\".")
    @Required
    @Size(min = 1, max = 253)
    private String name;

    @JsonPropertyDescription("Key of the access key id (default AWS_ACCESS_KEY_ID).")
    private String accessKeyIdKey;

    @JsonPropertyDescription("Key of the secret access key (default AWS_SECRET_ACCESS_KEY).")
    private String secretAccessKeyKey;

    @JsonPropertyDescription(
        "Key of the optional session token (default AWS_SESSION_TOKEN; absent is fine).")
    private String sessionTokenKey;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getAccessKeyIdKey() {
      return accessKeyIdKey;
    }

    public void setAccessKeyIdKey(String accessKeyIdKey) {
      this.accessKeyIdKey = accessKeyIdKey;
    }

    public String getSecretAccessKeyKey() {
      return secretAccessKeyKey;
    }

    public void setSecretAccessKeyKey(String secretAccessKeyKey) {
      this.secretAccessKeyKey = secretAccessKeyKey;
    }

    public String getSessionTokenKey() {
      return sessionTokenKey;
    }

    public void setSessionTokenKey(String sessionTokenKey) {
      this.sessionTokenKey = sessionTokenKey;
    }
  }

  /** How the proxy signs requests to this bucket. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.secretRef) != (has(self.podIdentity) && self.podIdentity)",
      message = "set exactly one of secretRef or podIdentity: true")
  public static class Credentials {
    @JsonPropertyDescription("Static credentials from a labelled Secret in the bucket's namespace.")
    private SecretRef secretRef;

    @JsonPropertyDescription(
        "Use the proxy pod's AWS identity (the default chain: IRSA, EKS Pod Identity, ...).")
    private Boolean podIdentity;

    public SecretRef getSecretRef() {
      return secretRef;
    }

    public void setSecretRef(SecretRef secretRef) {
      this.secretRef = secretRef;
    }

    public Boolean getPodIdentity() {
      return podIdentity;
    }

    public void setPodIdentity(Boolean podIdentity) {
      this.podIdentity = podIdentity;
    }
  }

  /** One rule a token's claims must satisfy. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!(has(self.value) && has(self.values))",
      message = "set value or values, not both")
  public static class ClaimRule {
    /** How the claim is compared. */
    public enum Operator {
      @JsonProperty("equals")
      EQUALS,
      @JsonProperty("notEquals")
      NOT_EQUALS,
      @JsonProperty("in")
      IN,
      @JsonProperty("contains")
      CONTAINS,
      @JsonProperty("containsAny")
      CONTAINS_ANY,
      @JsonProperty("containsAll")
      CONTAINS_ALL,
      @JsonProperty("prefix")
      PREFIX,
      @JsonProperty("exists")
      EXISTS,
      @JsonProperty("gt")
      GT,
      @JsonProperty("gte")
      GTE,
      @JsonProperty("lt")
      LT,
      @JsonProperty("lte")
      LTE
    }

    @JsonPropertyDescription("Dotted path into the token's claims, e.g. org.level.")
    @Required
    private String claim;

    @JsonPropertyDescription(
        "equals, notEquals, in, contains, containsAny, containsAll, prefix,"
            + " exists, gt, gte, lt or lte.")
    @Required
    private Operator operator;

    @JsonPropertyDescription(
        "The value, for equals, notEquals, contains, prefix, gt, gte, lt, lte.")
    private String value;

    @JsonPropertyDescription("The values, for in, containsAny and containsAll.")
    private List<String> values;

    public String getClaim() {
      return claim;
    }

    public void setClaim(String claim) {
      this.claim = claim;
    }

    public Operator getOperator() {
      return operator;
    }

    public void setOperator(Operator operator) {
      this.operator = operator;
    }

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }

    public List<String> getValues() {
      return values;
    }

    public void setValues(List<String> values) {
      this.values = values;
    }
  }

  /** Confines a token to a folder named by one of its claims. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PathClaim {
    @JsonPropertyDescription("The claim whose value names the folder, e.g. tenant.")
    @Required
    private String claim;

    @JsonPropertyDescription("The folder, with {claim} for the value, e.g. /reports/{claim}/.")
    @Required
    private String template;

    public String getClaim() {
      return claim;
    }

    public void setClaim(String claim) {
      this.claim = claim;
    }

    public String getTemplate() {
      return template;
    }

    public void setTemplate(String template) {
      this.template = template;
    }
  }

  /** Who may read through this route. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(has(self.type) && self.type == 'jwt') || (!has(self.issuers) && !has(self.claims)"
              + " && !has(self.pathClaim))",
      message = "issuers, claims and pathClaim need type: jwt")
  public static class Auth {
    /** The authentication policies of the contract. */
    public enum Type {
      @JsonProperty("public")
      PUBLIC,
      @JsonProperty("jwt")
      JWT
    }

    @JsonPropertyDescription("public (anyone, default) or jwt (a valid token is required).")
    private Type type;

    @JsonPropertyDescription(
        "Names of the fleet's jwt.issuers this bucket trusts (default: all of them).")
    private List<String> issuers;

    @JsonPropertyDescription("Rules the token's claims must all satisfy.")
    private List<ClaimRule> claims;

    @JsonPropertyDescription("Confine each token to the folder its claim names.")
    private PathClaim pathClaim;

    public Type getType() {
      return type;
    }

    public void setType(Type type) {
      this.type = type;
    }

    public List<String> getIssuers() {
      return issuers;
    }

    public void setIssuers(List<String> issuers) {
      this.issuers = issuers;
    }

    public List<ClaimRule> getClaims() {
      return claims;
    }

    public void setClaims(List<ClaimRule> claims) {
      this.claims = claims;
    }

    public PathClaim getPathClaim() {
      return pathClaim;
    }

    public void setPathClaim(PathClaim pathClaim) {
      this.pathClaim = pathClaim;
    }
  }

  @JsonPropertyDescription("The fleet this bucket attaches to.")
  @Required
  private ProxyRef proxyRef;

  @JsonPropertyDescription(
      "Requests under this path prefix are served from this bucket, e.g. /photos.")
  @Required
  @Pattern("^/")
  @Size(min = 1, max = 1024)
  private String pathPrefix;

  @JsonPropertyDescription("The S3 bucket behind the route.")
  @Required
  private S3 s3;

  @JsonPropertyDescription("Credentials used to sign requests to S3.")
  @Required
  private Credentials credentials;

  @JsonPropertyDescription("Authentication of clients (default public).")
  private Auth auth;

  @JsonPropertyDescription("Client CIDRs allowed to read (default: every address).")
  private List<String> ipAllow;

  @JsonPropertyDescription("Client CIDRs refused, checked before ipAllow.")
  private List<String> ipDeny;

  @JsonPropertyDescription("A rate limit for this bucket's requests together, per pod.")
  private RateLimitSettings rateLimit;

  @JsonPropertyDescription("Cross-origin reads from browsers.")
  private CorsSettings cors;

  @JsonPropertyDescription(
      "Connection settings toward S3 for this bucket; unset keys keep the fleet's spec.upstream.")
  private UpstreamSettings upstream;

  @JsonPropertyDescription(
      "How this bucket uses the fleet's object cache (when the fleet's spec.cache.enabled).")
  private BucketCacheSettings cache;

  public ProxyRef getProxyRef() {
    return proxyRef;
  }

  public void setProxyRef(ProxyRef proxyRef) {
    this.proxyRef = proxyRef;
  }

  public String getPathPrefix() {
    return pathPrefix;
  }

  public void setPathPrefix(String pathPrefix) {
    this.pathPrefix = pathPrefix;
  }

  public S3 getS3() {
    return s3;
  }

  public void setS3(S3 s3) {
    this.s3 = s3;
  }

  public Credentials getCredentials() {
    return credentials;
  }

  public void setCredentials(Credentials credentials) {
    this.credentials = credentials;
  }

  public List<String> getIpAllow() {
    return ipAllow;
  }

  public void setIpAllow(List<String> ipAllow) {
    this.ipAllow = ipAllow;
  }

  public List<String> getIpDeny() {
    return ipDeny;
  }

  public void setIpDeny(List<String> ipDeny) {
    this.ipDeny = ipDeny;
  }

  public Auth getAuth() {
    return auth;
  }

  public void setAuth(Auth auth) {
    this.auth = auth;
  }

  public RateLimitSettings getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(RateLimitSettings rateLimit) {
    this.rateLimit = rateLimit;
  }

  public CorsSettings getCors() {
    return cors;
  }

  public void setCors(CorsSettings cors) {
    this.cors = cors;
  }

  public UpstreamSettings getUpstream() {
    return upstream;
  }

  public void setUpstream(UpstreamSettings upstream) {
    this.upstream = upstream;
  }

  public BucketCacheSettings getCache() {
    return cache;
  }

  public void setCache(BucketCacheSettings cache) {
    this.cache = cache;
  }

  /** What reading this spec skipped or could not read; never serialized. */
  @Override
  public SpecReading reading() {
    return reading;
  }

  @Override
  public void reading(SpecReading reading) {
    this.reading = reading == null ? SpecReading.CLEAN : reading;
  }
}
