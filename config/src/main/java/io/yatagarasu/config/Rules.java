package io.yatagarasu.config;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The value rules shared by the record constructors and the document binder, so that both report
 * the same words. Each rule returns the problem (without a field name), or null when the value is
 * fine.
 */
final class Rules {
  static final Range PORT = new Range(0, 65535);
  static final Range REQUEST_HEADER_BYTES = new Range(1024, 1_048_576);
  static final Range URI_BYTES = new Range(256, 65536);
  static final Range CONNECTIONS_PER_ENDPOINT = new Range(1, 65536);
  static final Range ADMIN_BODY_BYTES = new Range(1024, 1L << 30);
  static final Range GENERATION = new Range(1, Long.MAX_VALUE);

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern S3_BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){3}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");
  private static final String HEALTH = "/health";
  private static final int MAX_QUOTED = 100;

  private Rules() {}

  /** An inclusive range of whole numbers. */
  record Range(long min, long max) {
    String problem(long n) {
      return problem(BigInteger.valueOf(n));
    }

    String problem(BigInteger n) {
      boolean inside =
          n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
      return inside ? null : n + " (expected: " + min + ".." + max + ")";
    }
  }

  static final String NO_KEYS = "an issuer needs a jwksUrl, keys, or both";
  static final String KID_REQUIRED = "is required when an issuer has more than one key";
  static final String ONLY_FOR_JWT = "only applies to auth type jwt";
  static final DurationRange JWKS_REFRESH =
      new DurationRange(Duration.ofSeconds(10), Duration.ofDays(1));
  static final Range ATTEMPTS = new Range(1, 10);
  static final Range BURST = new Range(1, 10_000_000);
  static final Range FAILURE_PERCENT = new Range(1, 100);
  static final Range TRACKED_KEYS = new Range(1, 10_000_000);
  static final Range PERCENT = new Range(0, 100);
  static final Range CONCURRENT_REQUESTS = new Range(1, 1_000_000);
  static final DurationRange RETRY_DELAY =
      new DurationRange(Duration.ofMillis(1), Duration.ofMinutes(1));
  static final DurationRange DRAIN_DELAY = new DurationRange(Duration.ZERO, Duration.ofMinutes(5));
  static final DurationRange GRACE_PERIOD = new DurationRange(Duration.ZERO, Duration.ofHours(1));
  static final DurationRange CORS_MAX_AGE = new DurationRange(Duration.ZERO, Duration.ofDays(1));
  private static final Pattern ORIGIN =
      Pattern.compile(
          "https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  static final SizeRange CACHE_SIZE = new SizeRange(1L << 20, 1L << 40);
  static final SizeRange CACHE_OBJECT_SIZE = new SizeRange(1, 1L << 30);
  static final DurationRange CACHE_TTL = new DurationRange(Duration.ZERO, Duration.ofDays(365));
  static final DurationRange CLOCK_SKEW = new DurationRange(Duration.ZERO, Duration.ofMinutes(10));
  private static final Pattern CLAIM_PATH =
      Pattern.compile("[A-Za-z0-9_:\\-]+(\\.[A-Za-z0-9_:\\-]+)*");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** An inclusive range of byte sizes, reported in binary units. */
  record SizeRange(long min, long max) {
    String problem(long bytes) {
      if (bytes < min || bytes > max) {
        return (bytes < 0 ? Long.toString(bytes) : Sizes.format(bytes))
            + " (expected: "
            + Sizes.format(min)
            + ".."
            + Sizes.format(max)
            + ")";
      }
      return null;
    }
  }

  /** An inclusive range of durations. */
  record DurationRange(Duration min, Duration max) {
    String problem(Duration d) {
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        return Durations.format(d)
            + " (expected: "
            + Durations.format(min)
            + ".."
            + Durations.format(max)
            + ")";
      }
      return null;
    }
  }

  /** A CORS origin: {@code *} or {@code scheme://host[:port]}, no path. */
  static String origin(String origin) {
    return origin.equals("*") || ORIGIN.matcher(origin).matches()
        ? null
        : quote(origin) + " is not an origin (expected: * or scheme://host[:port])";
  }

  /** The methods a read-only gateway can allow across origins. */
  static String corsMethod(String method) {
    return method.equals("GET") || method.equals("HEAD")
        ? null
        : quote(method) + " is not allowed (expected: GET or HEAD; the proxy only reads)";
  }

  /** An IPv4 or IPv6 address, with an optional prefix length: {@code 10.0.0.0/8}, {@code ::1}. */
  static String cidr(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    boolean v4 = IPV4.matcher(address).matches();
    boolean v6 = !v4 && address.indexOf(':') >= 0 && IPV6.matcher(address).matches();
    String expected = " is not an address or CIDR block (expected: e.g. 10.0.0.0/8, 2001:db8::/32)";
    if (!v4 && !v6) {
      return quote(text) + expected;
    }
    try {
      // A literal address: InetAddress parses it without a name lookup.
      byte[] bytes = java.net.InetAddress.getByName(address).getAddress();
      if (v4 != (bytes.length == 4)) {
        return quote(text) + expected;
      }
      if (slash >= 0) {
        String bits = text.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > bytes.length * 8) {
          return quote(text) + " has a prefix length outside 0.." + bytes.length * 8;
        }
      }
      return null;
    } catch (java.net.UnknownHostException | NumberFormatException e) {
      return quote(text) + expected;
    }
  }

  /** The key material an algorithm needs: a public key, or a secret long enough for HMAC. */
  static String keyMaterial(JwtAlgorithm algorithm, String publicKey, String secret) {
    if (algorithm.family() == JwtAlgorithm.Family.HMAC) {
      if (publicKey != null) {
        return "an " + algorithm.spelling() + " key takes a secret, not a publicKey";
      }
      if (secret == null || secret.isEmpty()) {
        return "an " + algorithm.spelling() + " key needs a secret";
      }
      int length = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (length < algorithm.minSecretBytes()) {
        // The length of a secret is no secret worth keeping; its content never appears.
        return "the secret of an "
            + algorithm.spelling()
            + " key has "
            + length
            + " bytes (expected: at least "
            + algorithm.minSecretBytes()
            + ")";
      }
      return null;
    }
    if (secret != null) {
      return "a " + algorithm.spelling() + " key takes a publicKey, not a secret";
    }
    if (publicKey == null || publicKey.isBlank()) {
      return "a " + algorithm.spelling() + " key needs a publicKey (PEM or JWK JSON)";
    }
    String trimmed = publicKey.strip();
    if (!trimmed.startsWith("-----BEGIN ") && !trimmed.startsWith("{")) {
      return "is neither a PEM public key nor a JWK (expected: -----BEGIN PUBLIC KEY----- or {...})";
    }
    if (trimmed.contains("PRIVATE KEY") || trimmed.contains("\"d\"")) {
      return "is a private key (expected: the public key only)";
    }
    return null;
  }

  static String httpUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute()
        || url.getHost() == null
        || !(scheme.equals("http") || scheme.equals("https"))) {
      return "is not an absolute http or https URL";
    }
    return null;
  }

  static String claimPath(String claim) {
    if (claim.isEmpty()) {
      return "must not be empty";
    }
    return CLAIM_PATH.matcher(claim).matches()
        ? null
        : quote(claim) + " is not a claim name or dotted path (expected: e.g. groups, org.level)";
  }

  static String claimValues(ClaimOperator operator, List<String> values) {
    switch (operator.arity()) {
      case NONE:
        return values.isEmpty() ? null : operator.spelling() + " takes no value";
      case ONE:
        return values.size() == 1 ? null : operator.spelling() + " takes exactly one value";
      case NUMBER:
        if (values.size() != 1) {
          return operator.spelling() + " takes exactly one value";
        }
        try {
          new java.math.BigDecimal(values.get(0));
          return null;
        } catch (NumberFormatException e) {
          return quote(values.get(0))
              + " is not a number (expected: "
              + operator.spelling()
              + " compares numbers)";
        }
      case MANY:
      default:
        return values.isEmpty() ? operator.spelling() + " takes a non-empty list of values" : null;
    }
  }

  static String pathTemplate(String template) {
    int at = template.indexOf(PathClaim.PLACEHOLDER);
    if (!template.startsWith("/")) {
      return quote(template) + " must start with '/'";
    }
    if (at < 0 || template.indexOf(PathClaim.PLACEHOLDER, at + 1) >= 0) {
      return quote(template) + " must contain {claim} exactly once";
    }
    return null;
  }

  /** A jwt bucket's issuers must exist, and it needs at least one issuer to trust. */
  static String issuerReferences(AuthConfig auth, JwtConfig jwt) {
    if (auth.type() != AuthType.JWT) {
      return null;
    }
    if (jwt.issuers().isEmpty()) {
      return "type: jwt needs at least one issuer under jwt.issuers";
    }
    for (int i = 0; i < auth.issuers().size(); i++) {
      String name = auth.issuers().get(i);
      if (jwt.issuer(name) == null) {
        return "issuers[" + i + "]: " + quote(name) + " is not an issuer under jwt.issuers";
      }
    }
    return null;
  }

  static void require(String field, String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(field + ": " + problem);
    }
  }

  static String samplingRatio(double ratio) {
    return ratio >= 0 && ratio <= 1 ? null : ratio + " (expected: 0..1)";
  }

  /**
   * An object key as a client names it under a bucket's path prefix: what a request path could
   * carry after the prefix (no leading {@code /}, no {@code .} or {@code ..} segment, no control
   * character, valid UTF-8 of at most 1024 bytes, as S3 allows).
   */
  static String objectKey(String key) {
    if (key.isEmpty()) {
      return "must not be empty";
    }
    if (key.startsWith("/")) {
      return quote(key) + " (expected: a key without a leading /, relative to the pathPrefix)";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "contains a control character (expected: an object key)";
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return quote(key) + " has a '" + segment + "' segment (expected: an object key)";
      }
    }
    if (!java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(key)) {
      return "is not valid Unicode (expected: an object key)";
    }
    if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
      return "is longer than 1024 bytes (expected: an S3 object key)";
    }
    return null;
  }

  static final String WARM_NEEDS_CACHE =
      "needs the object cache (expected: cache.enabled: true at the top level)";

  /** The problem of a {@code cache.warm} list as a whole (its size, its duplicates), or null. */
  static String warmKeys(java.util.List<String> keys) {
    if (keys.size() > BucketCacheConfig.MAX_WARM_KEYS) {
      return keys.size() + " keys (expected: at most " + BucketCacheConfig.MAX_WARM_KEYS + ")";
    }
    java.util.Map<String, Integer> first = new java.util.HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String problem = objectKey(keys.get(i));
      if (problem != null) {
        return "[" + i + "]: " + problem;
      }
      Integer seen = first.putIfAbsent(keys.get(i), i);
      if (seen != null) {
        return "[" + i + "]: duplicates [" + seen + "] (expected: unique)";
      }
    }
    return null;
  }

  static String notEmpty(String value) {
    return value.isEmpty() ? "must not be empty" : null;
  }

  static String duplicates(String firstPath) {
    return "duplicates " + firstPath + " (expected: unique)";
  }

  static String timeout(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return (d.isZero() ? "0s" : d.toString()) + " (expected: > 0)";
    }
    if (d.getNano() % 1_000_000 != 0) {
      return d + " (expected: whole milliseconds)";
    }
    return null;
  }

  static String listenHost(String host) {
    if (host.isEmpty()) {
      return "must not be empty";
    }
    return HOST.matcher(host).matches() ? null : quote(host) + " is not a valid host";
  }

  static String bucketName(String name) {
    if (name.isEmpty()) {
      return "must not be empty";
    }
    return BUCKET_NAME.matcher(name).matches()
        ? null
        : quote(name)
            + " is not a valid name (expected: 1..63 lowercase letters, digits and '-',"
            + " starting and ending with a letter or digit)";
  }

  static String pathPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return "must not be empty";
    }
    if (!prefix.startsWith("/")) {
      return quote(prefix) + " must start with '/'";
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '%' || c == '?' || c == '#' || c == '\\') {
        return quote(prefix) + " must not contain '" + c + "'";
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        return quote(prefix) + " must not contain whitespace";
      }
      if (Character.isISOControl(c)) {
        return quote(prefix) + " must not contain control characters";
      }
    }
    if (prefix.contains("//")) {
      return quote(prefix) + " must not contain an empty segment";
    }
    String normalised = normalisePrefix(prefix);
    for (String segment : normalised.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        return quote(prefix) + " must not contain '.' or '..' segments";
      }
    }
    if (normalised.equals(HEALTH) || normalised.startsWith(HEALTH + "/")) {
      return HEALTH + " is reserved for the health check";
    }
    return null;
  }

  /** Removes one trailing slash, except from the catch-all prefix "/". */
  static String normalisePrefix(String prefix) {
    return prefix.length() > 1 && prefix.endsWith("/")
        ? prefix.substring(0, prefix.length() - 1)
        : prefix;
  }

  static String s3Bucket(String bucket) {
    if (bucket.isEmpty()) {
      return "must not be empty";
    }
    boolean valid =
        S3_BUCKET.matcher(bucket).matches()
            && !bucket.contains("..")
            && !IPV4.matcher(bucket).matches();
    return valid
        ? null
        : quote(bucket)
            + " is not a valid S3 bucket name (expected: 3..63 lowercase letters, digits, '.' and"
            + " '-', starting and ending with a letter or digit, no '..', not an IP address)";
  }

  static String region(String region) {
    if (region.isEmpty()) {
      return "must not be empty";
    }
    return REGION.matcher(region).matches()
        ? null
        : quote(region) + " is not a valid region (expected: lowercase letters, digits and '-')";
  }

  static String keyPrefix(String keyPrefix) {
    return keyPrefix.startsWith("/") ? quote(keyPrefix) + " must not start with '/'" : null;
  }

  // Endpoint problems never quote the value: a URL may carry user info.
  static String endpoint(URI endpoint) {
    if (endpoint.getRawUserInfo() != null) {
      return "must not contain user info";
    }
    String scheme = endpoint.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return "must be an http or https URL";
    }
    if (endpoint.isOpaque() || endpoint.getHost() == null) {
      return "must have a host";
    }
    if (endpoint.getPort() == 0 || endpoint.getPort() > PORT.max()) {
      return "port " + endpoint.getPort() + " (expected: 1..65535)";
    }
    String path = endpoint.getRawPath();
    if (endpoint.getRawQuery() != null
        || endpoint.getRawFragment() != null
        || !(path.isEmpty() || path.equals("/"))) {
      return "must not have a path, query or fragment (expected: e.g. https://s3.example.com:9000)";
    }
    return null;
  }

  /** Parses and checks an endpoint, throwing IllegalArgumentException with the problem. */
  static URI parseEndpoint(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String problem = endpoint(uri);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return normaliseEndpoint(uri);
  }

  /** Removes the trailing "/" of an endpoint whose path is just "/". */
  static URI normaliseEndpoint(URI endpoint) {
    String text = endpoint.toString();
    return "/".equals(endpoint.getRawPath())
        ? URI.create(text.substring(0, text.length() - 1))
        : endpoint;
  }

  /** The document spelling of an enum constant: lowercase ({@code io_uring}). */
  static String spelling(Enum<?> constant) {
    return constant instanceof Spelled spelled
        ? spelled.spelling()
        : constant.name().toLowerCase(Locale.ROOT);
  }

  /** An enum whose document spelling is not its lowercase name. */
  interface Spelled {
    String spelling();
  }

  /** Quotes a value for a message, escaping control characters and shortening long values. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    int end = Math.min(value.length(), MAX_QUOTED);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append(end < value.length() ? "…\"" : "\"").toString();
  }
}
