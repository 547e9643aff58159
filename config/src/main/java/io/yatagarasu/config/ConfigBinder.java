package io.yatagarasu.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns a document tree into a {@link ProxyConfig}, reading every field before giving up so that
 * all problems are reported at once. Records are built only from sections without problems.
 */
final class ConfigBinder {
  private final NodeReader.Problems problems;
  private final List<String> bucketPaths = new ArrayList<>();
  private UpstreamConfig globalUpstream = UpstreamConfig.defaults();

  ConfigBinder(Environment env) {
    this(env, false);
  }

  /** With {@code structureOnly}, references are not resolved and their values not checked. */
  ConfigBinder(Environment env, boolean structureOnly) {
    this.problems = new NodeReader.Problems(new Interpolator(env), structureOnly);
  }

  /** The problems of a document whose references are not resolved; empty when there are none. */
  List<String> structureProblems(JsonNode mapping) {
    bindOrNull(mapping);
    return List.copyOf(problems.errors());
  }

  ConfigDocument bind(JsonNode mapping) throws ConfigException {
    ConfigDocument document = bindOrNull(mapping);
    if (document == null) {
      throw new ConfigException(problems.errors(), problems.unknownKeys());
    }
    return document;
  }

  /** The document, or null once its problems are collected. */
  private ConfigDocument bindOrNull(JsonNode mapping) {
    NodeReader root = NodeReader.root(problems, mapping);
    Long generation =
        root.parsed(
            "generation", null, "an integer", ConfigBinder::generation, NodeReader.Rule.none());
    ServerConfig server = server(root.object("server"));
    AdminConfig admin = admin(root.object("admin"));
    UpstreamConfig upstream = upstream(root.object("upstream"), UpstreamConfig.defaults());
    globalUpstream = upstream == null ? UpstreamConfig.defaults() : upstream;
    LoggingConfig logging = logging(root.object("logging"));
    JwtConfig jwt = jwt(root.object("jwt"));
    RateLimitsConfig rateLimits = rateLimits(root.object("rateLimits"));
    CacheConfig cache = cache(root.object("cache"));
    TracingConfig tracing = tracing(root.object("tracing"));
    List<NodeReader> bucketReaders = root.list("buckets");
    List<BucketConfig> buckets = buckets(bucketReaders);
    if (jwt != null) {
      for (int i = 0; i < buckets.size(); i++) {
        String problem = Rules.issuerReferences(buckets.get(i).auth(), jwt);
        if (problem != null) {
          problems.add(
              bucketPaths.get(i) + ".auth." + problem.substring(0, problem.indexOf(':')),
              problem.substring(problem.indexOf(':') + 2));
        }
      }
    }
    if (cache != null && !cache.enabled()) {
      for (int i = 0; i < buckets.size(); i++) {
        if (!buckets.get(i).cache().warm().isEmpty()) {
          problems.add(bucketPaths.get(i) + ".cache.warm", Rules.WARM_NEEDS_CACHE);
        }
      }
    }
    if (!root.finish()) {
      return null;
    }
    return new ConfigDocument(
        new ProxyConfig(server, admin, upstream, logging, jwt, rateLimits, cache, tracing, buckets),
        generation == null ? OptionalLong.empty() : OptionalLong.of(generation));
  }

  private static Long generation(String text) {
    if (!text.matches("-?[0-9]{1,30}")) {
      throw new IllegalArgumentException(Rules.quote(text) + " is not an integer");
    }
    BigInteger n = new BigInteger(text);
    String problem = Rules.GENERATION.problem(n);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return n.longValueExact();
  }

  private static JwtConfig jwt(NodeReader r) {
    JwtConfig d = JwtConfig.defaults();
    List<JwtIssuer> issuers = issuers(r.list("issuers"));
    Duration clockSkew =
        r.parsed(
            "clockSkew", d.clockSkew(), "a duration", Durations::parse, Rules.CLOCK_SKEW::problem);
    List<NodeReader> sourceReaders = r.list("tokenSources");
    List<TokenSource> sources = new ArrayList<>();
    for (NodeReader s : sourceReaders) {
      TokenSource source = tokenSource(s);
      if (source != null) {
        sources.add(source);
      }
    }
    if (sourceReaders.isEmpty()) {
      sources = d.tokenSources();
    }
    return r.finish() ? new JwtConfig(issuers, clockSkew, sources) : null;
  }

  private static List<JwtIssuer> issuers(List<NodeReader> items) {
    List<JwtIssuer> issuers = new ArrayList<>();
    Map<String, String> firstByName = new HashMap<>();
    for (NodeReader r : items) {
      String name = r.requiredString("name", Rules::bucketName);
      unique(r, "name", name, firstByName);
      String issuer = r.requiredString("issuer", Rules::notEmpty);
      List<String> audiences = r.strings("audiences", true, Rules::notEmpty);
      URI jwksUrl = r.parsed("jwksUrl", null, "a URL", ConfigBinder::uri, Rules::httpUrl);
      List<JwtKey> keys = new ArrayList<>();
      Map<String, String> firstByKid = new HashMap<>();
      List<NodeReader> keyReaders = r.list("keys");
      for (NodeReader k : keyReaders) {
        String[] kid = new String[1];
        JwtKey key = key(k, kid);
        if (kid[0] == null && keyReaders.size() > 1) {
          k.problem("kid", Rules.KID_REQUIRED);
        }
        unique(k, "kid", kid[0], firstByKid);
        if (key != null) {
          keys.add(key);
        }
      }
      Duration refresh =
          r.parsed(
              "jwksRefreshInterval",
              JwtIssuer.DEFAULT_JWKS_REFRESH,
              "a duration",
              Durations::parse,
              Rules.JWKS_REFRESH::problem);
      if (jwksUrl == null && keyReaders.isEmpty() && r.present()) {
        r.problem("keys", Rules.NO_KEYS);
      }
      if (r.finish()) {
        issuers.add(new JwtIssuer(name, issuer, audiences, jwksUrl, keys, refresh));
      }
    }
    return issuers;
  }

  private static JwtKey key(NodeReader r, String[] kidOut) {
    String kid = r.string("kid", null, Rules::notEmpty);
    kidOut[0] = kid;
    JwtAlgorithm algorithm = r.requiredChoice("algorithm", JwtAlgorithm.class);
    String publicKey = r.string("publicKey", null, NodeReader.Rule.none());
    // The rules here never quote a value: a secret is a secret.
    String secret = r.string("secret", null, NodeReader.Rule.none());
    if (algorithm != null) {
      String problem = Rules.keyMaterial(algorithm, publicKey, secret);
      if (problem != null) {
        r.problem(algorithm.family() == JwtAlgorithm.Family.HMAC ? "secret" : "publicKey", problem);
      }
    }
    return r.finish() ? new JwtKey(kid, algorithm, publicKey, secret) : null;
  }

  private static TokenSource tokenSource(NodeReader r) {
    String header = r.string("header", null, Rules::notEmpty);
    String query = r.string("query", null, Rules::notEmpty);
    String cookie = r.string("cookie", null, Rules::notEmpty);
    String prefix = r.string("prefix", null, NodeReader.Rule.none());
    int named = (header == null ? 0 : 1) + (query == null ? 0 : 1) + (cookie == null ? 0 : 1);
    if (named != 1 && r.present()) {
      r.problem("header", "a token source names exactly one of header, query or cookie");
    } else if (prefix != null && header == null) {
      r.problem("prefix", "only a header has a prefix");
    }
    if (!r.finish()) {
      return null;
    }
    if (header != null) {
      return new TokenSource(TokenSource.Kind.HEADER, header, prefix);
    }
    return query != null
        ? new TokenSource(TokenSource.Kind.QUERY, query, null)
        : new TokenSource(TokenSource.Kind.COOKIE, cookie, null);
  }

  private static URI uri(String text) {
    try {
      return new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL");
    }
  }

  private static ServerConfig server(NodeReader r) {
    ServerConfig d = ServerConfig.defaults();
    ListenAddress listen = listen(r, d.listen());
    int maxRequestHeaderBytes =
        r.integer("maxRequestHeaderBytes", d.maxRequestHeaderBytes(), Rules.REQUEST_HEADER_BYTES);
    int maxUriBytes = r.integer("maxUriBytes", d.maxUriBytes(), Rules.URI_BYTES);
    Duration idleTimeout = timeout(r, "idleTimeout", d.idleTimeout());
    Transport transport = r.choice("transport", d.transport(), Transport.class);
    List<String> trustedProxies = r.strings("trustedProxies", true, Rules::cidr);
    Duration requestHeaderTimeout = timeout(r, "requestHeaderTimeout", d.requestHeaderTimeout());
    int maxConcurrentRequests =
        r.integer("maxConcurrentRequests", d.maxConcurrentRequests(), Rules.CONCURRENT_REQUESTS);
    Duration drainDelay =
        r.parsed(
            "drainDelay",
            d.drainDelay(),
            "a duration",
            Durations::parse,
            Rules.DRAIN_DELAY::problem);
    Duration grace =
        r.parsed(
            "shutdownGracePeriod",
            d.shutdownGracePeriod(),
            "a duration",
            Durations::parse,
            Rules.GRACE_PERIOD::problem);
    TlsConfig tls = tls(r.object("tls"));
    return r.finish()
        ? new ServerConfig(
            listen,
            maxRequestHeaderBytes,
            maxUriBytes,
            idleTimeout,
            transport,
            trustedProxies,
            requestHeaderTimeout,
            maxConcurrentRequests,
            drainDelay,
            grace,
            tls)
        : null;
  }

  private static TlsConfig tls(NodeReader r) {
    if (!r.present()) {
      r.finish();
      return null;
    }
    String certificate = r.requiredString("certificateFile", Rules::notEmpty);
    String key = r.requiredString("privateKeyFile", Rules::notEmpty);
    boolean http2 = r.bool("http2", true);
    TlsProvider provider = r.choice("provider", TlsProvider.AUTO, TlsProvider.class);
    return r.finish() ? new TlsConfig(certificate, key, http2, provider) : null;
  }

  private static AdminConfig admin(NodeReader r) {
    AdminConfig d = AdminConfig.defaults();
    ListenAddress listen = listen(r, d.listen());
    String tokenFile = r.string("tokenFile", d.tokenFile(), Rules::notEmpty);
    int maxBodyBytes = r.integer("maxBodyBytes", d.maxBodyBytes(), Rules.ADMIN_BODY_BYTES);
    return r.finish() ? new AdminConfig(listen, tokenFile, maxBodyBytes) : null;
  }

  /** Upstream settings; keys left out take their value from {@code d}. */
  private static UpstreamConfig upstream(NodeReader r, UpstreamConfig d) {
    Duration connectTimeout = timeout(r, "connectTimeout", d.connectTimeout());
    Duration responseTimeout = timeout(r, "responseTimeout", d.responseTimeout());
    int maxConnections =
        r.integer(
            "maxConnectionsPerEndpoint",
            d.maxConnectionsPerEndpoint(),
            Rules.CONNECTIONS_PER_ENDPOINT);
    Duration bodyIdleTimeout = timeout(r, "bodyIdleTimeout", d.bodyIdleTimeout());
    Duration idleConnectionTimeout = timeout(r, "idleConnectionTimeout", d.idleConnectionTimeout());
    RetryConfig retry = retry(r.object("retry"), d.retry());
    CircuitBreakerConfig breaker = circuitBreaker(r.object("circuitBreaker"), d.circuitBreaker());
    return r.finish()
        ? new UpstreamConfig(
            connectTimeout,
            responseTimeout,
            maxConnections,
            bodyIdleTimeout,
            idleConnectionTimeout,
            retry,
            breaker)
        : null;
  }

  private static CircuitBreakerConfig circuitBreaker(NodeReader r, CircuitBreakerConfig d) {
    int percent = r.integer("failureRatePercent", d.failureRatePercent(), Rules.FAILURE_PERCENT);
    int minimum = r.integer("minimumRequests", d.minimumRequests(), Rules.BURST);
    Duration window = timeout(r, "window", d.window());
    Duration open = timeout(r, "openDuration", d.openDuration());
    int probes = r.integer("halfOpenProbes", d.halfOpenProbes(), Rules.ATTEMPTS);
    return r.finish() ? new CircuitBreakerConfig(percent, minimum, window, open, probes) : null;
  }

  private static RetryConfig retry(NodeReader r, RetryConfig d) {
    int maxAttempts = r.integer("maxAttempts", d.maxAttempts(), Rules.ATTEMPTS);
    Duration baseDelay =
        r.parsed(
            "baseDelay", d.baseDelay(), "a duration", Durations::parse, Rules.RETRY_DELAY::problem);
    Duration maxDelay =
        r.parsed(
            "maxDelay", d.maxDelay(), "a duration", Durations::parse, Rules.RETRY_DELAY::problem);
    int budgetPercent = r.integer("budgetPercent", d.budgetPercent(), Rules.PERCENT);
    if (baseDelay != null && maxDelay != null && maxDelay.compareTo(baseDelay) < 0) {
      r.problem("maxDelay", Durations.format(maxDelay) + " (expected: >= baseDelay)");
    }
    return r.finish() ? new RetryConfig(maxAttempts, baseDelay, maxDelay, budgetPercent) : null;
  }

  private static CacheConfig cache(NodeReader r) {
    CacheConfig d = CacheConfig.defaults();
    boolean enabled = r.bool("enabled", d.enabled());
    Long maxSize =
        r.parsed("maxSize", d.maxSize(), "a size", Sizes::parse, Rules.CACHE_SIZE::problem);
    return r.finish() ? new CacheConfig(enabled, maxSize) : null;
  }

  private static TracingConfig tracing(NodeReader r) {
    TracingConfig d = TracingConfig.defaults();
    boolean enabled = r.bool("enabled", d.enabled());
    URI endpoint = r.parsed("endpoint", d.endpoint(), "a URL", ConfigBinder::uri, Rules::httpUrl);
    TracingProtocol protocol = r.choice("protocol", d.protocol(), TracingProtocol.class);
    Double samplingRatio =
        r.parsed(
            "samplingRatio",
            d.samplingRatio(),
            "a number",
            ConfigBinder::number,
            Rules::samplingRatio);
    String serviceName = r.string("serviceName", d.serviceName(), Rules::notEmpty);
    Map<String, String> attributes = r.stringMap("resourceAttributes", Rules::notEmpty);
    return r.finish()
        ? new TracingConfig(enabled, endpoint, protocol, samplingRatio, serviceName, attributes)
        : null;
  }

  private static Double number(String text) {
    try {
      double value = Double.parseDouble(text);
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(Rules.quote(text) + " is not a number");
  }

  private static BucketCacheConfig bucketCache(NodeReader r) {
    BucketCacheConfig d = BucketCacheConfig.defaults();
    boolean enabled = r.bool("enabled", d.enabled());
    Duration ttl =
        r.parsed("ttl", d.ttl(), "a duration", Durations::parse, Rules.CACHE_TTL::problem);
    Long maxObjectSize =
        r.parsed(
            "maxObjectSize",
            d.maxObjectSize(),
            "a size",
            Sizes::parse,
            Rules.CACHE_OBJECT_SIZE::problem);
    Duration staleIfError =
        r.parsed(
            "staleIfError",
            d.staleIfError(),
            "a duration",
            Durations::parse,
            Rules.CACHE_TTL::problem);
    Duration notFoundTtl =
        r.parsed(
            "notFoundTtl",
            d.notFoundTtl(),
            "a duration",
            Durations::parse,
            Rules.CACHE_TTL::problem);
    Set<String> seen = new HashSet<>();
    List<String> warm =
        r.strings(
            "warm",
            true,
            key -> {
              String problem = Rules.objectKey(key);
              if (problem == null && !seen.add(key)) {
                problem = "duplicates an earlier key (expected: unique)";
              }
              return problem;
            });
    if (warm.size() > BucketCacheConfig.MAX_WARM_KEYS) {
      r.problem(
          "warm",
          warm.size() + " keys (expected: at most " + BucketCacheConfig.MAX_WARM_KEYS + ")");
    }
    if (!enabled && !warm.isEmpty()) {
      r.problem("warm", "needs enabled: true (nothing is kept to warm)");
    }
    return r.finish()
        ? new BucketCacheConfig(enabled, ttl, maxObjectSize, staleIfError, notFoundTtl, warm)
        : null;
  }

  private static LoggingConfig logging(NodeReader r) {
    LoggingConfig d = LoggingConfig.defaults();
    LogFormat format = r.choice("format", d.format(), LogFormat.class);
    boolean accessLog = r.bool("accessLog", d.accessLog());
    return r.finish() ? new LoggingConfig(format, accessLog) : null;
  }

  private List<BucketConfig> buckets(List<NodeReader> items) {
    List<BucketConfig> buckets = new ArrayList<>();
    Map<String, String> firstByName = new HashMap<>();
    Map<String, String> firstByPrefix = new HashMap<>();
    for (NodeReader r : items) {
      String name = r.requiredString("name", Rules::bucketName);
      String pathPrefix = r.requiredString("pathPrefix", Rules::pathPrefix);
      unique(r, "name", name, firstByName);
      unique(
          r,
          "pathPrefix",
          pathPrefix == null ? null : Rules.normalisePrefix(pathPrefix),
          firstByPrefix);
      S3Target s3 = s3(r.requiredObject("s3"));
      AuthConfig auth = auth(r.requiredObject("auth"));
      List<String> ipAllow = r.strings("ipAllow", true, Rules::cidr);
      List<String> ipDeny = r.strings("ipDeny", true, Rules::cidr);
      CorsConfig cors = cors(r.object("cors"));
      RateLimit rateLimit = rateLimit(r.object("rateLimit"));
      NodeReader upstreamReader = r.object("upstream");
      UpstreamConfig upstream = null;
      if (upstreamReader.present()) {
        upstream = upstream(upstreamReader, globalUpstream);
      } else {
        upstreamReader.finish();
      }
      BucketCacheConfig cache = bucketCache(r.object("cache"));
      if (r.finish()) {
        buckets.add(
            new BucketConfig(
                name, pathPrefix, s3, auth, ipAllow, ipDeny, cors, rateLimit, upstream, cache));
        bucketPaths.add(r.path());
      }
    }
    return buckets;
  }

  private static void unique(NodeReader r, String key, String value, Map<String, String> first) {
    if (value != null) {
      String firstPath = first.putIfAbsent(value, r.path());
      if (firstPath != null) {
        r.problem(key, Rules.duplicates(firstPath));
      }
    }
  }

  private static S3Target s3(NodeReader r) {
    return s3(r, true);
  }

  private static S3Target s3(NodeReader r, boolean mayHaveReplicas) {
    String bucket = r.requiredString("bucket", Rules::s3Bucket);
    String region = r.requiredString("region", Rules::region);
    URI endpoint =
        r.parsed("endpoint", null, "a URL", Rules::parseEndpoint, NodeReader.Rule.none());
    boolean pathStyle = r.bool("pathStyle", endpoint != null);
    String keyPrefix = r.string("keyPrefix", "", Rules::keyPrefix);
    S3Credentials credentials = credentials(r.object("credentials"));
    List<S3Target> replicas = new ArrayList<>();
    if (mayHaveReplicas) {
      for (NodeReader replica : r.list("replicas")) {
        S3Target target = s3(replica, false);
        if (target != null) {
          replicas.add(target);
        }
      }
    }
    return r.finish()
        ? new S3Target(bucket, region, endpoint, pathStyle, keyPrefix, credentials, replicas)
        : null;
  }

  private static S3Credentials credentials(NodeReader r) {
    if (!r.present()) {
      return null;
    }
    // The rules here never quote a value: these are secrets.
    String accessKeyId = r.requiredString("accessKeyId", Rules::notEmpty);
    String secretAccessKey = r.requiredString("secretAccessKey", Rules::notEmpty);
    String sessionToken = r.string("sessionToken", null, NodeReader.Rule.none());
    return r.finish() ? new S3Credentials(accessKeyId, secretAccessKey, sessionToken) : null;
  }

  private static AuthConfig auth(NodeReader r) {
    AuthType type = r.requiredChoice("type", AuthType.class);
    List<String> issuers = r.strings("issuers", true, Rules::notEmpty);
    List<ClaimRule> claims = new ArrayList<>();
    List<NodeReader> claimReaders = r.list("claims");
    for (NodeReader c : claimReaders) {
      ClaimRule rule = claimRule(c);
      if (rule != null) {
        claims.add(rule);
      }
    }
    NodeReader pathReader = r.object("pathClaim");
    PathClaim pathClaim = pathClaim(pathReader);
    if (type == AuthType.PUBLIC) {
      if (!issuers.isEmpty()) {
        r.problem("issuers", Rules.ONLY_FOR_JWT);
      }
      if (!claimReaders.isEmpty()) {
        r.problem("claims", Rules.ONLY_FOR_JWT);
      }
      if (pathReader.present()) {
        r.problem("pathClaim", Rules.ONLY_FOR_JWT);
      }
    }
    return r.finish() ? new AuthConfig(type, issuers, claims, pathClaim) : null;
  }

  private static RateLimitsConfig rateLimits(NodeReader r) {
    RateLimit global = rateLimit(r.object("global"));
    RateLimit perClientIp = rateLimit(r.object("perClientIp"));
    RateLimit perSubject = rateLimit(r.object("perSubject"));
    int maxTracked =
        r.integer("maxTrackedKeys", RateLimitsConfig.DEFAULT_MAX_TRACKED_KEYS, Rules.TRACKED_KEYS);
    return r.finish() ? new RateLimitsConfig(global, perClientIp, perSubject, maxTracked) : null;
  }

  /** A token bucket, or null when the section is absent. */
  private static RateLimit rateLimit(NodeReader r) {
    if (!r.present()) {
      r.finish();
      return null;
    }
    Double rate = r.requiredParsed("requestsPerSecond", "a number", ConfigBinder::positiveNumber);
    int burst =
        r.integer("burst", rate == null ? 1 : (int) Math.max(1, Math.ceil(rate)), Rules.BURST);
    return r.finish() && rate != null ? new RateLimit(rate, burst) : null;
  }

  private static Double positiveNumber(String text) {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(Rules.quote(text) + " is not a number");
    }
    if (!(value > 0) || value > 1_000_000) {
      throw new IllegalArgumentException(text + " (expected: > 0 and <= 1000000)");
    }
    return value;
  }

  private static CorsConfig cors(NodeReader r) {
    if (!r.present()) {
      r.finish();
      return null;
    }
    List<String> origins = r.strings("allowedOrigins", true, Rules::origin);
    if (origins.isEmpty()) {
      r.problem("allowedOrigins", "must list at least one origin (or \"*\")");
    }
    List<String> methods = r.strings("allowedMethods", true, Rules::corsMethod);
    List<String> headers = r.strings("allowedHeaders", true, Rules::notEmpty);
    List<String> exposed = r.strings("exposedHeaders", true, Rules::notEmpty);
    Duration maxAge =
        r.parsed(
            "maxAge",
            CorsConfig.DEFAULT_MAX_AGE,
            "a duration",
            Durations::parse,
            Rules.CORS_MAX_AGE::problem);
    boolean credentials = r.bool("allowCredentials", false);
    if (credentials && origins.contains("*")) {
      r.problem(
          "allowCredentials", "cannot be true with the origin \"*\" (expected: list the origins)");
    }
    return r.finish()
        ? new CorsConfig(
            origins,
            methods.isEmpty() ? CorsConfig.DEFAULT_METHODS : methods,
            headers,
            exposed,
            maxAge,
            credentials)
        : null;
  }

  private static ClaimRule claimRule(NodeReader r) {
    String claim = r.requiredString("claim", Rules::claimPath);
    ClaimOperator operator = r.requiredChoice("operator", ClaimOperator.class);
    String value =
        r.parsed("value", null, "a string or number", text -> text, NodeReader.Rule.none());
    List<String> values = r.strings("values", false, NodeReader.Rule.none());
    List<String> all = value != null ? List.of(value) : values;
    if (operator != null) {
      ClaimOperator.Arity arity = operator.arity();
      boolean many = arity == ClaimOperator.Arity.MANY;
      if (many && value != null) {
        r.problem("value", operator.spelling() + " takes a list: use values");
      } else if (!many && !values.isEmpty()) {
        r.problem("values", operator.spelling() + " takes one value: use value");
      } else {
        String problem = Rules.claimValues(operator, all);
        if (problem != null) {
          r.problem(many ? "values" : "value", problem);
        }
      }
    }
    return r.finish() ? new ClaimRule(claim, operator, all) : null;
  }

  private static PathClaim pathClaim(NodeReader r) {
    if (!r.present()) {
      r.finish();
      return null;
    }
    String claim = r.requiredString("claim", Rules::claimPath);
    String template = r.requiredString("template", Rules::pathTemplate);
    return r.finish() ? new PathClaim(claim, template) : null;
  }

  private static ListenAddress listen(NodeReader r, ListenAddress fallback) {
    return r.parsed("listen", fallback, "host:port", ListenAddress::parse, NodeReader.Rule.none());
  }

  private static Duration timeout(NodeReader r, String key, Duration fallback) {
    return r.parsed(key, fallback, "a duration", Durations::parse, Rules::timeout);
  }
}
