package io.yatagarasu.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Writes a {@link ProxyConfig} back as a document that {@link ConfigParser} reads to an equal
 * config: every key written out, defaults included, credentials included.
 */
public final class ConfigWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectWriter PRETTY =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter()
                  .withSeparators(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
                  .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));
  private static final ObjectWriter CANONICAL =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build().writer();
  private static final ObjectWriter YAML =
      YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build().writer();

  private ConfigWriter() {}

  /** Pretty JSON, keys in document order, ending with a newline. */
  public static String toJson(ProxyConfig config) {
    return write(PRETTY, config) + "\n";
  }

  /**
   * Pretty JSON of a document that states its generation ({@code "generation"} comes first). The
   * generation is not part of {@link #contentHash}.
   */
  public static String toJson(ConfigDocument document) {
    try {
      ObjectNode root = NODES.objectNode();
      document.generation().ifPresent(g -> root.put("generation", g));
      root.setAll((ObjectNode) tree(document.config()));
      return PRETTY.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** YAML with the same keys as {@link #toJson}; every string is quoted. */
  public static String toYaml(ProxyConfig config) {
    return write(YAML, config);
  }

  /** JSON with keys sorted and no whitespace: equal configs give identical bytes. */
  public static String toCanonicalJson(ProxyConfig config) {
    return write(CANONICAL, config);
  }

  /** Lowercase hex SHA-256 of the UTF-8 bytes of {@link #toCanonicalJson}. */
  public static String contentHash(ProxyConfig config) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha256.digest(toCanonicalJson(config).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Writes the connection idle timeout only when it differs from {@code inherited}, what a reader
   * would take for it when it is left out (the default for the fleet, the fleet's for a bucket), so
   * that a proxy released before the key existed still accepts a snapshot that does not use it.
   */
  private static void idleConnectionTimeout(
      ObjectNode node, UpstreamConfig upstream, Duration inherited) {
    if (!upstream.idleConnectionTimeout().equals(inherited)) {
      node.put("idleConnectionTimeout", formatDuration(upstream.idleConnectionTimeout()));
    }
  }

  /**
   * {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d}: the largest unit that is exact.
   */
  public static String formatDuration(Duration duration) {
    return Durations.format(duration);
  }

  private static String write(ObjectWriter writer, ProxyConfig config) {
    try {
      return writer.writeValueAsString(tree(config));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode tree(ProxyConfig config) {
    ObjectNode root = NODES.objectNode();
    ServerConfig server = config.server();
    root.putObject("server")
        .put("listen", server.listen().toString())
        .put("maxRequestHeaderBytes", server.maxRequestHeaderBytes())
        .put("maxUriBytes", server.maxUriBytes())
        .put("idleTimeout", formatDuration(server.idleTimeout()))
        .put("transport", Rules.spelling(server.transport()));
    strings((ObjectNode) root.get("server"), "trustedProxies", server.trustedProxies());
    ObjectNode serverNode = (ObjectNode) root.get("server");
    // Settings added after the first release are written only when they differ from their
    // defaults, so that older documents keep their bytes and hashes.
    if (!server.requestHeaderTimeout().equals(ServerConfig.DEFAULT_REQUEST_HEADER_TIMEOUT)) {
      serverNode.put("requestHeaderTimeout", formatDuration(server.requestHeaderTimeout()));
    }
    if (server.maxConcurrentRequests() != ServerConfig.DEFAULT_MAX_CONCURRENT_REQUESTS) {
      serverNode.put("maxConcurrentRequests", server.maxConcurrentRequests());
    }
    if (!server.drainDelay().equals(ServerConfig.DEFAULT_DRAIN_DELAY)) {
      serverNode.put("drainDelay", formatDuration(server.drainDelay()));
    }
    if (!server.shutdownGracePeriod().equals(ServerConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD)) {
      serverNode.put("shutdownGracePeriod", formatDuration(server.shutdownGracePeriod()));
    }
    if (server.tls() != null) {
      ObjectNode tls =
          serverNode
              .putObject("tls")
              .put("certificateFile", literal(server.tls().certificateFile()))
              .put("privateKeyFile", literal(server.tls().privateKeyFile()))
              .put("http2", server.tls().http2());
      if (server.tls().provider() != TlsProvider.AUTO) {
        tls.put("provider", Rules.spelling(server.tls().provider()));
      }
    }
    ObjectNode admin = root.putObject("admin").put("listen", config.admin().listen().toString());
    if (config.admin().tokenFile() != null) {
      admin.put("tokenFile", literal(config.admin().tokenFile()));
    }
    admin.put("maxBodyBytes", config.admin().maxBodyBytes());
    UpstreamConfig upstream = config.upstream();
    root.putObject("upstream")
        .put("connectTimeout", formatDuration(upstream.connectTimeout()))
        .put("responseTimeout", formatDuration(upstream.responseTimeout()))
        .put("maxConnectionsPerEndpoint", upstream.maxConnectionsPerEndpoint());
    ObjectNode upstreamNode = (ObjectNode) root.get("upstream");
    if (!upstream.bodyIdleTimeout().equals(UpstreamConfig.DEFAULT_BODY_IDLE_TIMEOUT)) {
      upstreamNode.put("bodyIdleTimeout", formatDuration(upstream.bodyIdleTimeout()));
    }
    idleConnectionTimeout(upstreamNode, upstream, UpstreamConfig.DEFAULT_IDLE_CONNECTION_TIMEOUT);
    if (!upstream.retry().equals(RetryConfig.defaults())) {
      RetryConfig retry = upstream.retry();
      upstreamNode
          .putObject("retry")
          .put("maxAttempts", retry.maxAttempts())
          .put("baseDelay", formatDuration(retry.baseDelay()))
          .put("maxDelay", formatDuration(retry.maxDelay()))
          .put("budgetPercent", retry.budgetPercent());
    }
    if (!upstream.circuitBreaker().equals(CircuitBreakerConfig.defaults())) {
      CircuitBreakerConfig breaker = upstream.circuitBreaker();
      upstreamNode
          .putObject("circuitBreaker")
          .put("failureRatePercent", breaker.failureRatePercent())
          .put("minimumRequests", breaker.minimumRequests())
          .put("window", formatDuration(breaker.window()))
          .put("openDuration", formatDuration(breaker.openDuration()))
          .put("halfOpenProbes", breaker.halfOpenProbes());
    }
    root.putObject("logging")
        .put("format", Rules.spelling(config.logging().format()))
        .put("accessLog", config.logging().accessLog());
    if (!config.jwt().equals(JwtConfig.defaults())) {
      jwt(root.putObject("jwt"), config.jwt());
    }
    if (!config.rateLimits().equals(RateLimitsConfig.none())) {
      RateLimitsConfig limits = config.rateLimits();
      ObjectNode r = root.putObject("rateLimits");
      rateLimit(r, "global", limits.global());
      rateLimit(r, "perClientIp", limits.perClientIp());
      rateLimit(r, "perSubject", limits.perSubject());
      r.put("maxTrackedKeys", limits.maxTrackedKeys());
    }
    if (!config.cache().equals(CacheConfig.defaults())) {
      root.putObject("cache")
          .put("enabled", config.cache().enabled())
          .put("maxSize", Sizes.format(config.cache().maxSize()));
    }
    if (!config.tracing().equals(TracingConfig.defaults())) {
      TracingConfig tracing = config.tracing();
      ObjectNode t =
          root.putObject("tracing")
              .put("enabled", tracing.enabled())
              .put("protocol", Rules.spelling(tracing.protocol()))
              .put("samplingRatio", tracing.samplingRatio());
      if (tracing.endpoint() != null) {
        t.put("endpoint", tracing.endpoint().toString());
      }
      if (tracing.serviceName() != null) {
        t.put("serviceName", tracing.serviceName());
      }
      if (!tracing.resourceAttributes().isEmpty()) {
        ObjectNode attributes = t.putObject("resourceAttributes");
        tracing.resourceAttributes().forEach(attributes::put);
      }
    }
    ArrayNode buckets = root.putArray("buckets");
    for (BucketConfig bucket : config.buckets()) {
      ObjectNode b = buckets.addObject();
      b.put("name", bucket.name()).put("pathPrefix", literal(bucket.pathPrefix()));
      s3(b.putObject("s3"), bucket.s3());
      auth(b.putObject("auth"), bucket.auth());
      strings(b, "ipAllow", bucket.ipAllow());
      strings(b, "ipDeny", bucket.ipDeny());
      rateLimit(b, "rateLimit", bucket.rateLimit());
      if (bucket.upstream() != null) {
        UpstreamConfig u = bucket.upstream();
        ObjectNode up = b.putObject("upstream");
        up.put("connectTimeout", formatDuration(u.connectTimeout()))
            .put("responseTimeout", formatDuration(u.responseTimeout()))
            .put("maxConnectionsPerEndpoint", u.maxConnectionsPerEndpoint())
            .put("bodyIdleTimeout", formatDuration(u.bodyIdleTimeout()));
        idleConnectionTimeout(up, u, config.upstream().idleConnectionTimeout());
        up.putObject("retry")
            .put("maxAttempts", u.retry().maxAttempts())
            .put("baseDelay", formatDuration(u.retry().baseDelay()))
            .put("maxDelay", formatDuration(u.retry().maxDelay()))
            .put("budgetPercent", u.retry().budgetPercent());
        up.putObject("circuitBreaker")
            .put("failureRatePercent", u.circuitBreaker().failureRatePercent())
            .put("minimumRequests", u.circuitBreaker().minimumRequests())
            .put("window", formatDuration(u.circuitBreaker().window()))
            .put("openDuration", formatDuration(u.circuitBreaker().openDuration()))
            .put("halfOpenProbes", u.circuitBreaker().halfOpenProbes());
      }
      if (bucket.cors() != null) {
        CorsConfig cors = bucket.cors();
        ObjectNode c = b.putObject("cors");
        strings(c, "allowedOrigins", cors.allowedOrigins());
        strings(c, "allowedMethods", cors.allowedMethods());
        strings(c, "allowedHeaders", cors.allowedHeaders());
        strings(c, "exposedHeaders", cors.exposedHeaders());
        c.put("maxAge", formatDuration(cors.maxAge()))
            .put("allowCredentials", cors.allowCredentials());
      }
      if (!bucket.cache().equals(BucketCacheConfig.defaults())) {
        BucketCacheConfig cache = bucket.cache();
        ObjectNode c = b.putObject("cache");
        c.put("enabled", cache.enabled())
            .put("ttl", formatDuration(cache.ttl()))
            .put("maxObjectSize", Sizes.format(cache.maxObjectSize()))
            .put("staleIfError", formatDuration(cache.staleIfError()))
            .put("notFoundTtl", formatDuration(cache.notFoundTtl()));
        strings(c, "warm", cache.warm());
      }
    }
    return root;
  }

  // Empty lists and default sections are left out, so that documents without JWT settings keep
  // the bytes (and the hash) they had before those settings existed.
  private static void strings(ObjectNode parent, String key, java.util.List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode list = parent.putArray(key);
      values.forEach(v -> list.add(literal(v)));
    }
  }

  private static void s3(ObjectNode s3, S3Target target) {
    s3.put("bucket", target.bucket()).put("region", target.region());
    if (target.endpoint() != null) {
      s3.put("endpoint", literal(target.endpoint().toString()));
    }
    s3.put("pathStyle", target.pathStyle()).put("keyPrefix", literal(target.keyPrefix()));
    S3Credentials credentials = target.credentials();
    if (credentials != null) {
      ObjectNode c = s3.putObject("credentials");
      c.put("accessKeyId", literal(credentials.accessKeyId()))
          .put("secretAccessKey", literal(credentials.secretAccessKey()));
      if (credentials.sessionToken() != null) {
        c.put("sessionToken", literal(credentials.sessionToken()));
      }
    }
    if (!target.replicas().isEmpty()) {
      ArrayNode replicas = s3.putArray("replicas");
      target.replicas().forEach(replica -> s3(replicas.addObject(), replica));
    }
  }

  private static void rateLimit(ObjectNode parent, String key, RateLimit limit) {
    if (limit != null) {
      parent
          .putObject(key)
          .put("requestsPerSecond", limit.requestsPerSecond())
          .put("burst", limit.burst());
    }
  }

  private static void jwt(ObjectNode node, JwtConfig jwt) {
    ArrayNode issuers = node.putArray("issuers");
    for (JwtIssuer issuer : jwt.issuers()) {
      ObjectNode i = issuers.addObject();
      i.put("name", issuer.name()).put("issuer", literal(issuer.issuer()));
      strings(i, "audiences", issuer.audiences());
      if (issuer.jwksUrl() != null) {
        i.put("jwksUrl", literal(issuer.jwksUrl().toString()));
      }
      if (!issuer.keys().isEmpty()) {
        ArrayNode keys = i.putArray("keys");
        for (JwtKey key : issuer.keys()) {
          ObjectNode k = keys.addObject();
          if (key.kid() != null) {
            k.put("kid", literal(key.kid()));
          }
          k.put("algorithm", Rules.spelling(key.algorithm()));
          if (key.publicKey() != null) {
            k.put("publicKey", literal(key.publicKey()));
          }
          if (key.secret() != null) {
            k.put("secret", literal(key.secret()));
          }
        }
      }
      i.put("jwksRefreshInterval", formatDuration(issuer.jwksRefreshInterval()));
    }
    node.put("clockSkew", formatDuration(jwt.clockSkew()));
    ArrayNode sources = node.putArray("tokenSources");
    for (TokenSource source : jwt.tokenSources()) {
      ObjectNode s = sources.addObject();
      switch (source.kind()) {
        case HEADER ->
            s.put("header", literal(source.name())).put("prefix", literal(source.prefix()));
        case QUERY -> s.put("query", literal(source.name()));
        case COOKIE -> s.put("cookie", literal(source.name()));
      }
    }
  }

  private static void auth(ObjectNode node, AuthConfig auth) {
    node.put("type", Rules.spelling(auth.type()));
    strings(node, "issuers", auth.issuers());
    if (!auth.claims().isEmpty()) {
      ArrayNode claims = node.putArray("claims");
      for (ClaimRule rule : auth.claims()) {
        ObjectNode c = claims.addObject();
        c.put("claim", rule.claim()).put("operator", Rules.spelling(rule.operator()));
        switch (rule.operator().arity()) {
          case ONE, NUMBER -> c.put("value", literal(rule.values().get(0)));
          case MANY -> strings(c, "values", rule.values());
          case NONE -> {}
        }
      }
    }
    if (auth.pathClaim() != null) {
      node.putObject("pathClaim")
          .put("claim", auth.pathClaim().claim())
          .put("template", literal(auth.pathClaim().template()));
    }
  }

  // The parser resolves ${...} in every string, so a literal "${" is written as "$${".
  private static String literal(String value) {
    return value.replace("${", "$${");
  }
}
