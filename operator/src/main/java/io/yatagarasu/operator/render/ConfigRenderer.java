package io.yatagarasu.operator.render;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketCacheConfig;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.CacheConfig;
import io.yatagarasu.config.CircuitBreakerConfig;
import io.yatagarasu.config.ClaimOperator;
import io.yatagarasu.config.ClaimRule;
import io.yatagarasu.config.CorsConfig;
import io.yatagarasu.config.Durations;
import io.yatagarasu.config.JwtAlgorithm;
import io.yatagarasu.config.JwtConfig;
import io.yatagarasu.config.JwtIssuer;
import io.yatagarasu.config.JwtKey;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.LogFormat;
import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.PathClaim;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.RateLimit;
import io.yatagarasu.config.RateLimitsConfig;
import io.yatagarasu.config.RetryConfig;
import io.yatagarasu.config.S3Credentials;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.TlsConfig;
import io.yatagarasu.config.TlsProvider;
import io.yatagarasu.config.TokenSource;
import io.yatagarasu.config.TracingConfig;
import io.yatagarasu.config.Transport;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.operator.crd.BucketCacheSettings;
import io.yatagarasu.operator.crd.BucketNamespaces;
import io.yatagarasu.operator.crd.CacheSettings;
import io.yatagarasu.operator.crd.CircuitBreakerSettings;
import io.yatagarasu.operator.crd.CorsSettings;
import io.yatagarasu.operator.crd.JwtSettings;
import io.yatagarasu.operator.crd.LoggingSettings;
import io.yatagarasu.operator.crd.RateLimitSettings;
import io.yatagarasu.operator.crd.RateLimitsSettings;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyBucketSpec;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.crd.S3Replica;
import io.yatagarasu.operator.crd.SecretKeyRef;
import io.yatagarasu.operator.crd.ServerSettings;
import io.yatagarasu.operator.crd.TracingSettings;
import io.yatagarasu.operator.crd.UpstreamSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one S3ProxyConfig, the S3ProxyBuckets that reference it and the Secrets they name into the
 * fleet's snapshot ({@link ProxyConfig}) and one outcome per bucket. Pure: no client calls, no
 * clock, no randomness; the same inputs give the same snapshot bytes.
 *
 * <p>Every value is checked by the config module's records, the same code the proxy runs, so a
 * bucket the renderer accepts is one the proxy accepts. A bad bucket is left out and marked; the
 * rest ships.
 */
public final class ConfigRenderer {
  /** The contract's bucket name rule; Kubernetes names may be longer and contain dots. */
  private static final Pattern ROUTE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** A ProxyConfig problem that names one bucket: {@code buckets[3].auth.issuers[0]: ...}. */
  private static final Pattern BUCKET_PROBLEM =
      Pattern.compile("buckets\\[(\\d+)\\]\\.(.*)", Pattern.DOTALL);

  private static final Comparator<S3ProxyBucket> AGE_ORDER =
      Comparator.comparing((S3ProxyBucket b) -> creation(b)).thenComparing(b -> ObjectKey.of(b));

  private ConfigRenderer() {}

  /**
   * Renders a fleet.
   *
   * @param proxy the fleet
   * @param buckets the buckets whose proxyRef names the fleet (in any namespace)
   * @param secrets Secrets the buckets may reference; unlabelled ones are reported, never read
   * @param namespaceLabels labels of the buckets' namespaces, for {@code bucketNamespaces.selector}
   */
  public static RenderResult render(
      S3ProxyConfig proxy,
      List<S3ProxyBucket> buckets,
      List<Secret> secrets,
      Map<String, Map<String, String>> namespaceLabels) {
    Objects.requireNonNull(proxy, "proxy");
    ObjectKey fleet = ObjectKey.of(proxy);
    S3ProxyConfigSpec spec = proxy.getSpec() == null ? new S3ProxyConfigSpec() : proxy.getSpec();
    Map<ObjectKey, Secret> secretsByKey = new HashMap<>();
    for (Secret secret : secrets) {
      secretsByKey.put(ObjectKey.of(secret), secret);
    }

    List<String> fleetProblems = new ArrayList<>();
    VersionSkew fleetSkew = VersionSkew.of(proxy);
    if (fleetSkew.refuses()) {
      fleetProblems.add(fleetSkew.refusal());
    }
    ServerConfig server = attempt(fleetProblems, "spec.server", () -> server(spec.getServer()));
    AdminConfig admin = attempt(fleetProblems, "spec.server", () -> admin(spec.getServer()));
    UpstreamConfig upstream =
        attempt(
            fleetProblems,
            "spec.upstream",
            () -> upstream(spec.getUpstream(), UpstreamConfig.defaults()));
    LoggingConfig logging =
        attempt(fleetProblems, "spec.logging", () -> logging(spec.getLogging()));
    JwtConfig jwt = jwt(fleet.namespace(), spec.getJwt(), secretsByKey, fleetProblems);
    RateLimitsConfig rateLimits =
        attempt(fleetProblems, "spec.rateLimits", () -> rateLimits(spec.getRateLimits()));
    CacheConfig cache = attempt(fleetProblems, "spec.cache", () -> cache(spec.getCache()));
    String sizing = CacheSizing.of(spec).problem();
    if (sizing != null) {
      fleetProblems.add(sizing);
    }
    TracingConfig tracing =
        attempt(fleetProblems, "spec.tracing", () -> tracing(spec.getTracing()));
    UpstreamConfig bucketBase = upstream == null ? UpstreamConfig.defaults() : upstream;

    List<S3ProxyBucket> ordered = new ArrayList<>(buckets);
    ordered.sort(AGE_ORDER);
    Map<String, ObjectKey> prefixOwners = new HashMap<>();
    Set<String> usedNames = new HashSet<>();
    List<BucketOutcome> outcomes = new ArrayList<>();
    List<BucketConfig> included = new ArrayList<>();
    for (S3ProxyBucket bucket : ordered) {
      BucketDecision decision =
          decide(
              fleet,
              spec,
              bucketBase,
              bucket,
              secretsByKey,
              namespaceLabels,
              prefixOwners,
              usedNames);
      outcomes.add(decision.outcome());
      if (decision.config() != null) {
        included.add(decision.config());
      }
    }
    outcomes.sort(Comparator.comparing(BucketOutcome::bucket));
    if (!fleetProblems.isEmpty()) {
      // Without a valid fleet there is no snapshot, so no bucket is in one.
      List<BucketOutcome> leftOut =
          outcomes.stream()
              .map(
                  o ->
                      new BucketOutcome(
                          o.bucket(), o.generation(), null, o.accepted(), o.resolvedRefs()))
              .toList();
      return new RenderResult(null, fleetProblems, leftOut);
    }
    included.sort(Comparator.comparing(BucketConfig::name));
    // Rules across the whole document (a jwt bucket needs a known issuer) are checked by the
    // ProxyConfig constructor; a bucket that breaks one is left out and the rest is tried again.
    Map<String, ObjectKey> bucketOfRoute = new HashMap<>();
    for (BucketOutcome outcome : outcomes) {
      if (outcome.included()) {
        bucketOfRoute.put(outcome.routeName(), outcome.bucket());
      }
    }
    while (true) {
      try {
        return new RenderResult(
            new ProxyConfig(
                server, admin, upstream, logging, jwt, rateLimits, cache, tracing, included),
            List.of(),
            outcomes);
      } catch (IllegalArgumentException e) {
        Matcher at = BUCKET_PROBLEM.matcher(e.getMessage());
        if (!at.matches()) {
          throw e;
        }
        BucketConfig culprit = included.remove(Integer.parseInt(at.group(1)));
        ObjectKey key = bucketOfRoute.get(culprit.name());
        outcomes.replaceAll(
            o ->
                o.bucket().equals(key)
                    ? new BucketOutcome(
                        o.bucket(),
                        o.generation(),
                        null,
                        Verdict.fail(Reason.Invalid, "spec." + at.group(2)),
                        o.resolvedRefs())
                    : o);
      }
    }
  }

  private record BucketDecision(BucketOutcome outcome, BucketConfig config) {}

  private static BucketDecision decide(
      ObjectKey fleet,
      S3ProxyConfigSpec fleetSpec,
      UpstreamConfig fleetUpstream,
      S3ProxyBucket bucket,
      Map<ObjectKey, Secret> secrets,
      Map<String, Map<String, String>> namespaceLabels,
      Map<String, ObjectKey> prefixOwners,
      Set<String> usedNames) {
    ObjectKey key = ObjectKey.of(bucket);
    long generation = Objects.requireNonNullElse(bucket.getMetadata().getGeneration(), 0L);
    VersionSkew skew = VersionSkew.of(bucket);
    if (skew.refuses()) {
      // Checked before anything else: a refused bucket claims no prefix and no route name.
      return rejected(key, generation, refusal(skew), null);
    }
    Verdict allowed = allowed(fleet, fleetSpec.getBucketNamespaces(), key, namespaceLabels);
    S3ProxyBucketSpec spec = bucket.getSpec();
    if (spec == null || spec.getS3() == null || spec.getPathPrefix() == null) {
      return rejected(
          key,
          generation,
          Verdict.fail(Reason.Invalid, "spec.pathPrefix and spec.s3 are required"),
          null);
    }

    // Validate every field without credentials first, so a field problem is reported as Invalid
    // whatever state the Secret is in.
    String routeName = routeName(fleet, key, usedNames);
    BucketConfig shape;
    try {
      shape = bucketConfig(routeName, spec, fleetUpstream, null, List.of());
    } catch (IllegalArgumentException e) {
      return rejected(key, generation, Verdict.fail(Reason.Invalid, e.getMessage()), null);
    }
    S3ProxyBucketSpec.Credentials credentials = spec.getCredentials();
    CredentialLookup refs;
    if (credentials != null && credentials.getSecretRef() != null) {
      refs = credentials(key, credentials.getSecretRef(), secrets);
    } else if (credentials != null && Boolean.TRUE.equals(credentials.getPodIdentity())) {
      refs =
          new CredentialLookup(
              Verdict.pass(Reason.ResolvedRefs, "uses the proxy pod's AWS identity"), null);
    } else {
      // The CRD's CEL rule prevents this; objects written before the CRD existed may still have it.
      return rejected(
          key,
          generation,
          Verdict.fail(
              Reason.Invalid,
              "spec.credentials: set exactly one of secretRef or podIdentity: true"),
          null);
    }
    // Each replica signs with its own Secret, or with the primary's credentials when it names none.
    List<S3Credentials> replicaCredentials = new ArrayList<>();
    List<S3Replica> replicas =
        spec.getS3().getReplicas() == null ? List.of() : spec.getS3().getReplicas();
    for (int i = 0; i < replicas.size(); i++) {
      S3ProxyBucketSpec.Credentials own = replicas.get(i).getCredentials();
      if (own == null) {
        replicaCredentials.add(refs.credentials());
      } else if (own.getSecretRef() != null) {
        CredentialLookup lookup = credentials(key, own.getSecretRef(), secrets);
        if (!lookup.verdict().ok() && refs.verdict().ok()) {
          refs =
              new CredentialLookup(
                  Verdict.fail(
                      lookup.verdict().reason(),
                      "spec.s3.replicas[" + i + "].credentials: " + lookup.verdict().message()),
                  null);
        }
        replicaCredentials.add(lookup.credentials());
      } else {
        replicaCredentials.add(null);
      }
    }
    if (!allowed.ok()) {
      return rejected(key, generation, allowed, refs.verdict());
    }
    ObjectKey owner = prefixOwners.putIfAbsent(shape.pathPrefix(), key);
    if (owner != null) {
      return rejected(
          key,
          generation,
          Verdict.fail(
              Reason.PrefixConflict,
              "pathPrefix "
                  + quote(shape.pathPrefix())
                  + " is already served by the older S3ProxyBucket "
                  + owner
                  + " in fleet "
                  + fleet
                  + "; choose another pathPrefix or remove that bucket"),
          refs.verdict());
    }
    Verdict accepted =
        Verdict.pass(
            Reason.Accepted,
            "attached to S3ProxyConfig " + fleet + " as route " + quote(routeName));
    if (!refs.verdict().ok()) {
      return rejected(key, generation, accepted, refs.verdict());
    }
    usedNames.add(routeName);
    BucketConfig config =
        bucketConfig(routeName, spec, fleetUpstream, refs.credentials(), replicaCredentials);
    return new BucketDecision(
        new BucketOutcome(key, generation, routeName, accepted, refs.verdict()), config);
  }

  /** Accepted=False for a bucket this operator version refuses to apply (see VersionSkew). */
  public static Verdict refusal(VersionSkew skew) {
    return Verdict.fail(skew.reason(), skew.refusal());
  }

  private static BucketDecision rejected(
      ObjectKey key, long generation, Verdict accepted, Verdict refs) {
    return new BucketDecision(new BucketOutcome(key, generation, null, accepted, refs), null);
  }

  private static Verdict allowed(
      ObjectKey fleet,
      BucketNamespaces rule,
      ObjectKey bucket,
      Map<String, Map<String, String>> namespaceLabels) {
    BucketNamespaces.From from =
        rule == null || rule.getFrom() == null ? BucketNamespaces.From.Same : rule.getFrom();
    boolean ok =
        switch (from) {
          case Same -> bucket.namespace().equals(fleet.namespace());
          case All -> true;
          case Selector ->
              bucket.namespace().equals(fleet.namespace())
                  || LabelSelectors.matches(
                      rule.getSelector(), namespaceLabels.get(bucket.namespace()));
        };
    if (ok) {
      return Verdict.pass(Reason.Accepted, "namespace allowed");
    }
    String fix =
        switch (from) {
          case Same ->
              "create the bucket in namespace "
                  + quote(fleet.namespace())
                  + ", or ask the fleet's owner to set spec.bucketNamespaces.from to All or"
                  + " Selector";
          case Selector ->
              "label namespace "
                  + quote(bucket.namespace())
                  + " to match spec.bucketNamespaces.selector of the fleet";
          case All -> throw new AssertionError("All admits every namespace");
        };
    return Verdict.fail(
        Reason.NotAllowed,
        "S3ProxyConfig "
            + fleet
            + " does not accept buckets from namespace "
            + quote(bucket.namespace())
            + " (bucketNamespaces.from: "
            + from
            + "); "
            + fix);
  }

  private record CredentialLookup(Verdict verdict, S3Credentials credentials) {}

  private static CredentialLookup credentials(
      ObjectKey bucket, S3ProxyBucketSpec.SecretRef ref, Map<ObjectKey, Secret> secrets) {
    ObjectKey secretKey = new ObjectKey(bucket.namespace(), ref.getName());
    SecretRead read = read(secretKey, secrets);
    if (read.problem() != null) {
      String fix =
          read.problem().reason() == Reason.SecretNotFound
              ? " and the keys of spec.credentials.secretRef"
              : "";
      return new CredentialLookup(
          Verdict.fail(read.problem().reason(), read.problem().message() + fix), null);
    }
    Map<String, String> values = read.values();
    String idKey =
        Objects.requireNonNullElse(
            ref.getAccessKeyIdKey(), S3ProxyBucketSpec.SecretRef.DEFAULT_ACCESS_KEY_ID);
    String secretKeyName =
        Objects.requireNonNullElse(
            ref.getSecretAccessKeyKey(), S3ProxyBucketSpec.SecretRef.DEFAULT_SECRET_ACCESS_KEY);
    String tokenKey =
        Objects.requireNonNullElse(
            ref.getSessionTokenKey(), S3ProxyBucketSpec.SecretRef.DEFAULT_SESSION_TOKEN);
    for (var required :
        List.of(
            Map.entry(idKey, "accessKeyIdKey"), Map.entry(secretKeyName, "secretAccessKeyKey"))) {
      String value = values.get(required.getKey());
      if (value == null || value.isEmpty()) {
        return new CredentialLookup(
            Verdict.fail(
                Reason.SecretKeyMissing,
                "Secret "
                    + secretKey
                    + (value == null ? " has no key " : " has an empty value under key ")
                    + quote(required.getKey())
                    + " (it has: "
                    + String.join(", ", new TreeSet<>(values.keySet()))
                    + "); add the key or set spec.credentials.secretRef."
                    + required.getValue()),
            null);
      }
    }
    S3Credentials credentials =
        new S3Credentials(values.get(idKey), values.get(secretKeyName), values.get(tokenKey));
    return new CredentialLookup(
        Verdict.pass(Reason.ResolvedRefs, "credentials read from Secret " + secretKey),
        credentials);
  }

  /** The Secret's values: {@code data} decoded, overlaid by {@code stringData} as the API does. */
  private static Map<String, String> decode(Secret secret) {
    Map<String, String> values = new HashMap<>();
    if (secret.getData() != null) {
      Base64.Decoder base64 = Base64.getMimeDecoder();
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(
                      k, v == null ? "" : new String(base64.decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> values.put(k, v == null ? "" : v));
    }
    return values;
  }

  private static BucketConfig bucketConfig(
      String routeName,
      S3ProxyBucketSpec spec,
      UpstreamConfig fleetUpstream,
      S3Credentials credentials,
      List<S3Credentials> replicaCredentials) {
    S3ProxyBucketSpec.S3 s3 = spec.getS3();
    String keyPrefix = Objects.requireNonNullElse(s3.getKeyPrefix(), "");
    List<S3Target> replicas = new ArrayList<>();
    List<S3Replica> replicaSpecs = listOrEmpty(s3.getReplicas());
    for (int i = 0; i < replicaSpecs.size(); i++) {
      S3Replica replica = replicaSpecs.get(i);
      S3Credentials replicaCredential =
          i < replicaCredentials.size() ? replicaCredentials.get(i) : null;
      boolean replicaPathStyle =
          replica.getPathStyle() == null ? replica.getEndpoint() != null : replica.getPathStyle();
      replicas.add(
          prefixed(
              "spec.s3.replicas[" + i + "].",
              () ->
                  new S3Target(
                      Objects.requireNonNullElse(replica.getBucket(), ""),
                      Objects.requireNonNullElse(replica.getRegion(), ""),
                      endpoint(replica.getEndpoint()),
                      replicaPathStyle,
                      Objects.requireNonNullElse(replica.getKeyPrefix(), keyPrefix),
                      replicaCredential)));
    }
    // As in the proxy's own documents, path-style addressing defaults to on with an endpoint.
    boolean pathStyle = s3.getPathStyle() == null ? s3.getEndpoint() != null : s3.getPathStyle();
    S3Target target =
        prefixed(
            "spec.s3.",
            () ->
                new S3Target(
                    Objects.requireNonNullElse(s3.getBucket(), ""),
                    Objects.requireNonNullElse(s3.getRegion(), ""),
                    endpoint(s3.getEndpoint()),
                    pathStyle,
                    keyPrefix,
                    credentials,
                    replicas));
    AuthConfig auth = prefixed("spec.auth.", () -> auth(spec.getAuth()));
    CorsConfig cors = prefixed("spec.cors.", () -> cors(spec.getCors()));
    RateLimit rateLimit = prefixed("spec.rateLimit.", () -> rateLimit(spec.getRateLimit()));
    UpstreamConfig upstream =
        spec.getUpstream() == null
            ? null
            : prefixed("spec.upstream.", () -> upstream(spec.getUpstream(), fleetUpstream));
    BucketCacheConfig cache = prefixed("spec.cache.", () -> bucketCache(spec.getCache()));
    return prefixed(
        "spec.",
        () ->
            new BucketConfig(
                routeName,
                spec.getPathPrefix(),
                target,
                auth,
                listOrEmpty(spec.getIpAllow()),
                listOrEmpty(spec.getIpDeny()),
                cors,
                rateLimit,
                upstream,
                cache));
  }

  private static CacheConfig cache(CacheSettings settings) {
    if (settings == null) {
      return CacheConfig.defaults();
    }
    CacheConfig d = CacheConfig.defaults();
    return new CacheConfig(
        or(settings.getEnabled(), d.enabled()),
        bytes("maxSize", settings.getMaxSize(), d.maxSize()));
  }

  private static TracingConfig tracing(TracingSettings settings) {
    TracingConfig d = TracingConfig.defaults();
    if (settings == null) {
      return d;
    }
    return new TracingConfig(
        or(settings.getEnabled(), d.enabled()),
        settings.getEndpoint() == null ? null : uri("endpoint", settings.getEndpoint()),
        d.protocol(),
        or(settings.getSamplingRatio(), d.samplingRatio()),
        settings.getServiceName(),
        settings.getResourceAttributes() == null
            ? Map.of()
            : new TreeMap<>(settings.getResourceAttributes()));
  }

  private static BucketCacheConfig bucketCache(BucketCacheSettings settings) {
    BucketCacheConfig d = BucketCacheConfig.defaults();
    if (settings == null) {
      return d;
    }
    return new BucketCacheConfig(
        or(settings.getEnabled(), d.enabled()),
        duration("ttl", settings.getTtl(), d.ttl()),
        bytes("maxObjectSize", settings.getMaxObjectSize(), d.maxObjectSize()),
        duration("staleIfError", settings.getStaleIfError(), d.staleIfError()),
        duration("notFoundTtl", settings.getNotFoundTtl(), d.notFoundTtl()),
        settings.getWarm() == null ? List.of() : settings.getWarm());
  }

  /** A Kubernetes quantity as a whole number of bytes. */
  private static long bytes(String field, Quantity quantity, long fallback) {
    if (quantity == null) {
      return fallback;
    }
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(quantity);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          field + ": \"" + quantity + "\" is not a quantity (expected: e.g. 512Mi)");
    }
    if (amount.signum() < 0 || amount.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(
          field + ": " + quantity + " (expected: a whole number of bytes, e.g. 512Mi)");
    }
    try {
      return amount.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(field + ": " + quantity + " (expected: at most 1Ti)");
    }
  }

  private static CorsConfig cors(CorsSettings settings) {
    if (settings == null) {
      return null;
    }
    return new CorsConfig(
        listOrEmpty(settings.getAllowedOrigins()),
        settings.getAllowedMethods() == null
            ? CorsConfig.DEFAULT_METHODS
            : settings.getAllowedMethods().stream().map(Enum::name).toList(),
        listOrEmpty(settings.getAllowedHeaders()),
        listOrEmpty(settings.getExposedHeaders()),
        duration("maxAge", settings.getMaxAge(), CorsConfig.DEFAULT_MAX_AGE),
        or(settings.getAllowCredentials(), false));
  }

  private static RateLimit rateLimit(RateLimitSettings settings) {
    if (settings == null) {
      return null;
    }
    if (settings.getRequestsPerSecond() == null || settings.getBurst() == null) {
      throw new IllegalArgumentException("requestsPerSecond and burst are required");
    }
    return new RateLimit(settings.getRequestsPerSecond(), settings.getBurst());
  }

  private static RateLimitsConfig rateLimits(RateLimitsSettings settings) {
    if (settings == null) {
      return RateLimitsConfig.none();
    }
    return new RateLimitsConfig(
        prefixed("global.", () -> rateLimit(settings.getGlobal())),
        prefixed("perClientIp.", () -> rateLimit(settings.getPerClientIp())),
        prefixed("perSubject.", () -> rateLimit(settings.getPerSubject())),
        or(settings.getMaxTrackedKeys(), RateLimitsConfig.DEFAULT_MAX_TRACKED_KEYS));
  }

  private static AuthConfig auth(S3ProxyBucketSpec.Auth auth) {
    if (auth == null) {
      return AuthConfig.publicAccess();
    }
    AuthType type =
        auth.getType() == null ? AuthType.PUBLIC : AuthType.valueOf(auth.getType().name());
    List<ClaimRule> claims = new ArrayList<>();
    List<S3ProxyBucketSpec.ClaimRule> rules = listOrEmpty(auth.getClaims());
    for (int i = 0; i < rules.size(); i++) {
      S3ProxyBucketSpec.ClaimRule rule = rules.get(i);
      List<String> values =
          rule.getValues() != null
              ? rule.getValues()
              : rule.getValue() != null ? List.of(rule.getValue()) : List.of();
      claims.add(
          prefixed(
              "claims[" + i + "].",
              () ->
                  new ClaimRule(
                      Objects.requireNonNullElse(rule.getClaim(), ""),
                      rule.getOperator() == null
                          ? ClaimOperator.EQUALS
                          : ClaimOperator.valueOf(rule.getOperator().name()),
                      values)));
    }
    PathClaim pathClaim =
        auth.getPathClaim() == null
            ? null
            : prefixed(
                "pathClaim.",
                () ->
                    new PathClaim(
                        Objects.requireNonNullElse(auth.getPathClaim().getClaim(), ""),
                        Objects.requireNonNullElse(auth.getPathClaim().getTemplate(), "")));
    return new AuthConfig(type, listOrEmpty(auth.getIssuers()), claims, pathClaim);
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** The fleet's JWT settings; every issuer's problem is reported, then null is returned. */
  private static JwtConfig jwt(
      String namespace,
      JwtSettings settings,
      Map<ObjectKey, Secret> secrets,
      List<String> problems) {
    JwtConfig d = JwtConfig.defaults();
    if (settings == null) {
      return d;
    }
    int before = problems.size();
    List<JwtIssuer> issuers = new ArrayList<>();
    List<JwtSettings.Issuer> specs = listOrEmpty(settings.getIssuers());
    for (int i = 0; i < specs.size(); i++) {
      JwtSettings.Issuer spec = specs.get(i);
      int index = i;
      JwtIssuer issuer =
          attempt(problems, "spec.jwt", () -> issuer(namespace, index, spec, secrets));
      if (issuer != null) {
        issuers.add(issuer);
      }
    }
    List<TokenSource> sources =
        attempt(problems, "spec.jwt", () -> tokenSources(settings.getTokenSources()));
    if (problems.size() > before) {
      return null;
    }
    return attempt(
        problems,
        "spec.jwt",
        () ->
            new JwtConfig(
                issuers,
                duration("clockSkew", settings.getClockSkew(), d.clockSkew()),
                sources.isEmpty() ? d.tokenSources() : sources));
  }

  private static JwtIssuer issuer(
      String namespace, int i, JwtSettings.Issuer spec, Map<ObjectKey, Secret> secrets) {
    List<JwtKey> keys = new ArrayList<>();
    List<JwtSettings.Key> keySpecs = listOrEmpty(spec.getKeys());
    for (int k = 0; k < keySpecs.size(); k++) {
      JwtSettings.Key key = keySpecs.get(k);
      String path = "issuers[" + i + "].keys[" + k + "].";
      JwtAlgorithm algorithm =
          key.getAlgorithm() == null ? null : JwtAlgorithm.valueOf(key.getAlgorithm().name());
      if (algorithm == null) {
        throw new IllegalArgumentException(path + "algorithm: must be set");
      }
      String material = keyMaterial(namespace, path, key.getSecretKeyRef(), secrets);
      boolean hmac = algorithm.family() == JwtAlgorithm.Family.HMAC;
      keys.add(
          prefixed(
              path,
              () ->
                  new JwtKey(
                      key.getKid(), algorithm, hmac ? null : material, hmac ? material : null)));
    }
    URI jwksUrl =
        spec.getJwksUrl() == null
            ? null
            : prefixed("issuers[" + i + "].", () -> uri("jwksUrl", spec.getJwksUrl()));
    return prefixed(
        "issuers[" + i + "].",
        () ->
            new JwtIssuer(
                Objects.requireNonNullElse(spec.getName(), ""),
                Objects.requireNonNullElse(spec.getIssuer(), ""),
                listOrEmpty(spec.getAudiences()),
                jwksUrl,
                keys,
                duration(
                    "jwksRefreshInterval",
                    spec.getJwksRefreshInterval(),
                    JwtIssuer.DEFAULT_JWKS_REFRESH)));
  }

  private static List<TokenSource> tokenSources(List<JwtSettings.TokenSource> specs) {
    List<TokenSource> sources = new ArrayList<>();
    List<JwtSettings.TokenSource> sourceSpecs = listOrEmpty(specs);
    for (int i = 0; i < sourceSpecs.size(); i++) {
      JwtSettings.TokenSource source = sourceSpecs.get(i);
      sources.add(
          prefixed(
              "tokenSources[" + i + "].",
              () ->
                  source.getHeader() != null
                      ? new TokenSource(
                          TokenSource.Kind.HEADER, source.getHeader(), source.getPrefix())
                      : source.getQuery() != null
                          ? new TokenSource(TokenSource.Kind.QUERY, source.getQuery(), null)
                          : new TokenSource(
                              TokenSource.Kind.COOKIE,
                              Objects.requireNonNullElse(source.getCookie(), ""),
                              null)));
    }
    return sources;
  }

  /** The key material a JWT key names; problems name the Secret and key, never a value. */
  private static String keyMaterial(
      String namespace, String path, SecretKeyRef ref, Map<ObjectKey, Secret> secrets) {
    if (ref == null || ref.getName() == null || ref.getKey() == null) {
      throw new IllegalArgumentException(path + "secretKeyRef: name and key are required");
    }
    ObjectKey secretKey = new ObjectKey(namespace, ref.getName());
    SecretRead read = read(secretKey, secrets);
    if (read.problem() != null) {
      throw new IllegalArgumentException(
          path + "secretKeyRef: " + read.problem().reason() + ": " + read.problem().message());
    }
    String value = read.values().get(ref.getKey());
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          path
              + "secretKeyRef: "
              + Reason.SecretKeyMissing
              + ": Secret "
              + secretKey
              + (value == null ? " has no key " : " has an empty value under key ")
              + quote(ref.getKey()));
    }
    return value;
  }

  private record SecretRead(Map<String, String> values, Verdict problem) {}

  /** A labelled Secret's values, or why it cannot be read. */
  private static SecretRead read(ObjectKey secretKey, Map<ObjectKey, Secret> secrets) {
    Secret secret = secrets.get(secretKey);
    if (secret == null) {
      return new SecretRead(
          null,
          Verdict.fail(
              Reason.SecretNotFound,
              "Secret "
                  + secretKey
                  + " not found; create it with the label "
                  + Labels.CREDENTIALS
                  + ": \"true\""));
    }
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (labels == null || !"true".equals(labels.get(Labels.CREDENTIALS))) {
      return new SecretRead(
          null,
          Verdict.fail(
              Reason.SecretNotLabelled,
              "Secret "
                  + secretKey
                  + " is not labelled "
                  + Labels.CREDENTIALS
                  + ": \"true\", so the operator does not read it; run: kubectl label secret "
                  + secretKey.name()
                  + " -n "
                  + secretKey.namespace()
                  + " "
                  + Labels.CREDENTIALS
                  + "=true"));
    }
    return new SecretRead(decode(secret), null);
  }

  private static URI uri(String field, String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          field + ": is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
  }

  private static URI endpoint(String text) {
    if (text == null) {
      return null;
    }
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "endpoint: is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
  }

  /**
   * The name a bucket gets in its fleet's snapshot when no other bucket took it first: what a
   * bucket is called on the proxies when the fleet's latest render is not at hand.
   */
  public static String routeName(ObjectKey fleet, ObjectKey bucket) {
    return routeName(fleet, bucket, Set.of());
  }

  /**
   * The bucket's name in the snapshot: its own name for buckets in the fleet's namespace, {@code
   * namespace-name} for others; shortened with a hash suffix when that breaks the contract's name
   * rule or is taken.
   */
  private static String routeName(ObjectKey fleet, ObjectKey bucket, Set<String> used) {
    String candidate =
        bucket.namespace().equals(fleet.namespace())
            ? bucket.name()
            : bucket.namespace() + "-" + bucket.name();
    candidate = candidate.toLowerCase(Locale.ROOT).replace('.', '-');
    if (ROUTE_NAME.matcher(candidate).matches() && !used.contains(candidate)) {
      return candidate;
    }
    String suffix = Hashes.sha256Hex(bucket.toString()).substring(0, 8);
    String head = candidate.substring(0, Math.min(candidate.length(), 54));
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + suffix;
  }

  private static ServerConfig server(ServerSettings settings) {
    ServerConfig d = ServerConfig.defaults();
    if (settings == null) {
      settings = new ServerSettings();
    }
    return new ServerConfig(
        new ListenAddress("0.0.0.0", or(settings.getPort(), d.listen().port())),
        or(settings.getMaxRequestHeaderBytes(), d.maxRequestHeaderBytes()),
        or(settings.getMaxUriBytes(), d.maxUriBytes()),
        duration("idleTimeout", settings.getIdleTimeout(), d.idleTimeout()),
        settings.getTransport() == null
            ? d.transport()
            : Transport.valueOf(settings.getTransport().name()),
        listOrEmpty(settings.getTrustedProxies()),
        duration(
            "requestHeaderTimeout", settings.getRequestHeaderTimeout(), d.requestHeaderTimeout()),
        or(settings.getMaxConcurrentRequests(), d.maxConcurrentRequests()),
        duration("drainDelay", settings.getDrainDelay(), d.drainDelay()),
        duration("shutdownGracePeriod", settings.getShutdownGracePeriod(), d.shutdownGracePeriod()),
        settings.getTls() == null
            ? null
            : new TlsConfig(
                PodLayout.TLS_CERTIFICATE_FILE,
                PodLayout.TLS_PRIVATE_KEY_FILE,
                or(settings.getTls().getHttp2(), true),
                settings.getTls().getProvider() == null
                    ? TlsProvider.AUTO
                    : TlsProvider.valueOf(settings.getTls().getProvider().name())));
  }

  private static AdminConfig admin(ServerSettings settings) {
    int port =
        settings == null || settings.getAdminPort() == null
            ? AdminConfig.defaults().listen().port()
            : settings.getAdminPort();
    return new AdminConfig(
        new ListenAddress("0.0.0.0", port),
        PodLayout.ADMIN_TOKEN_FILE,
        AdminConfig.DEFAULT_MAX_BODY_BYTES);
  }

  /** The settings over a base: the proxy's defaults for the fleet, the fleet's for a bucket. */
  private static UpstreamConfig upstream(UpstreamSettings settings, UpstreamConfig d) {
    if (settings == null) {
      return d;
    }
    return new UpstreamConfig(
        duration("connectTimeout", settings.getConnectTimeout(), d.connectTimeout()),
        duration("responseTimeout", settings.getResponseTimeout(), d.responseTimeout()),
        or(settings.getMaxConnectionsPerEndpoint(), d.maxConnectionsPerEndpoint()),
        duration("bodyIdleTimeout", settings.getBodyIdleTimeout(), d.bodyIdleTimeout()),
        duration(
            "idleConnectionTimeout",
            settings.getIdleConnectionTimeout(),
            d.idleConnectionTimeout()),
        prefixed("retry.", () -> retry(settings.getRetry(), d.retry())),
        prefixed(
            "circuitBreaker.",
            () -> circuitBreaker(settings.getCircuitBreaker(), d.circuitBreaker())));
  }

  private static CircuitBreakerConfig circuitBreaker(
      CircuitBreakerSettings settings, CircuitBreakerConfig d) {
    if (settings == null) {
      return d;
    }
    return new CircuitBreakerConfig(
        or(settings.getFailureRatePercent(), d.failureRatePercent()),
        or(settings.getMinimumRequests(), d.minimumRequests()),
        duration("window", settings.getWindow(), d.window()),
        duration("openDuration", settings.getOpenDuration(), d.openDuration()),
        or(settings.getHalfOpenProbes(), d.halfOpenProbes()));
  }

  private static RetryConfig retry(UpstreamSettings.Retry settings, RetryConfig d) {
    if (settings == null) {
      return d;
    }
    return new RetryConfig(
        or(settings.getMaxAttempts(), d.maxAttempts()),
        duration("baseDelay", settings.getBaseDelay(), d.baseDelay()),
        duration("maxDelay", settings.getMaxDelay(), d.maxDelay()),
        or(settings.getBudgetPercent(), d.budgetPercent()));
  }

  private static LoggingConfig logging(LoggingSettings settings) {
    LoggingConfig d = LoggingConfig.defaults();
    if (settings == null) {
      return d;
    }
    return new LoggingConfig(
        settings.getFormat() == null ? d.format() : LogFormat.valueOf(settings.getFormat().name()),
        or(settings.getAccessLog(), d.accessLog()));
  }

  private static Duration duration(String field, String text, Duration fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static <T> T attempt(List<String> problems, String path, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      problems.add(path + "." + e.getMessage());
      return null;
    }
  }

  private static <T> T prefixed(String path, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + e.getMessage(), e);
    }
  }

  private static Instant creation(S3ProxyBucket bucket) {
    String timestamp = bucket.getMetadata().getCreationTimestamp();
    if (timestamp == null) {
      return Instant.MAX;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }

  private static String quote(String value) {
    return "\"" + value + "\"";
  }
}
