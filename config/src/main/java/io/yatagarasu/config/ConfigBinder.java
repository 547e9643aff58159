package io.yatagarasu.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns a document tree into a {@link ProxyConfig}, reading every field before giving up so that
 * all problems are reported at once. Records are built only from sections without problems.
 */
final class ConfigBinder {
  private final NodeReader.Problems problems;

  ConfigBinder(Environment env) {
    this.problems = new NodeReader.Problems(new Interpolator(env));
  }

  ConfigDocument bind(JsonNode mapping) throws ConfigException {
    NodeReader root = NodeReader.root(problems, mapping);
    Long generation =
        root.parsed(
            "generation", null, "an integer", ConfigBinder::generation, NodeReader.Rule.none());
    ServerConfig server = server(root.object("server"));
    AdminConfig admin = admin(root.object("admin"));
    UpstreamConfig upstream = upstream(root.object("upstream"));
    LoggingConfig logging = logging(root.object("logging"));
    List<BucketConfig> buckets = buckets(root.list("buckets"));
    if (!root.finish()) {
      throw new ConfigException(problems.errors());
    }
    return new ConfigDocument(
        new ProxyConfig(server, admin, upstream, logging, buckets),
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

  private static ServerConfig server(NodeReader r) {
    ServerConfig d = ServerConfig.defaults();
    ListenAddress listen = listen(r, d.listen());
    int maxRequestHeaderBytes =
        r.integer("maxRequestHeaderBytes", d.maxRequestHeaderBytes(), Rules.REQUEST_HEADER_BYTES);
    int maxUriBytes = r.integer("maxUriBytes", d.maxUriBytes(), Rules.URI_BYTES);
    Duration idleTimeout = timeout(r, "idleTimeout", d.idleTimeout());
    Transport transport = r.choice("transport", d.transport(), Transport.class);
    return r.finish()
        ? new ServerConfig(listen, maxRequestHeaderBytes, maxUriBytes, idleTimeout, transport)
        : null;
  }

  private static AdminConfig admin(NodeReader r) {
    AdminConfig d = AdminConfig.defaults();
    ListenAddress listen = listen(r, d.listen());
    String tokenFile = r.string("tokenFile", d.tokenFile(), Rules::notEmpty);
    int maxBodyBytes = r.integer("maxBodyBytes", d.maxBodyBytes(), Rules.ADMIN_BODY_BYTES);
    return r.finish() ? new AdminConfig(listen, tokenFile, maxBodyBytes) : null;
  }

  private static UpstreamConfig upstream(NodeReader r) {
    UpstreamConfig d = UpstreamConfig.defaults();
    Duration connectTimeout = timeout(r, "connectTimeout", d.connectTimeout());
    Duration responseTimeout = timeout(r, "responseTimeout", d.responseTimeout());
    int maxConnections =
        r.integer(
            "maxConnectionsPerEndpoint",
            d.maxConnectionsPerEndpoint(),
            Rules.CONNECTIONS_PER_ENDPOINT);
    return r.finish() ? new UpstreamConfig(connectTimeout, responseTimeout, maxConnections) : null;
  }

  private static LoggingConfig logging(NodeReader r) {
    LoggingConfig d = LoggingConfig.defaults();
    LogFormat format = r.choice("format", d.format(), LogFormat.class);
    boolean accessLog = r.bool("accessLog", d.accessLog());
    return r.finish() ? new LoggingConfig(format, accessLog) : null;
  }

  private static List<BucketConfig> buckets(List<NodeReader> items) {
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
      if (r.finish()) {
        buckets.add(new BucketConfig(name, pathPrefix, s3, auth));
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
    String bucket = r.requiredString("bucket", Rules::s3Bucket);
    String region = r.requiredString("region", Rules::region);
    URI endpoint =
        r.parsed("endpoint", null, "a URL", Rules::parseEndpoint, NodeReader.Rule.none());
    boolean pathStyle = r.bool("pathStyle", endpoint != null);
    String keyPrefix = r.string("keyPrefix", "", Rules::keyPrefix);
    S3Credentials credentials = credentials(r.object("credentials"));
    return r.finish()
        ? new S3Target(bucket, region, endpoint, pathStyle, keyPrefix, credentials)
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
    return r.finish() ? new AuthConfig(type) : null;
  }

  private static ListenAddress listen(NodeReader r, ListenAddress fallback) {
    return r.parsed("listen", fallback, "host:port", ListenAddress::parse, NodeReader.Rule.none());
  }

  private static Duration timeout(NodeReader r, String key, Duration fallback) {
    return r.parsed(key, fallback, "a duration", Durations::parse, Rules::timeout);
  }
}
