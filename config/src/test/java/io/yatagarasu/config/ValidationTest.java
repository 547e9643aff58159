package io.yatagarasu.config;

import static io.yatagarasu.config.ConfigParserTest.PARSER;
import static io.yatagarasu.config.ConfigParserTest.errorsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One rule per test: a document breaking exactly that rule, and the exact message. */
class ValidationTest {
  private static final String BUCKET =
      """
      buckets:
        - name: assets
          pathPrefix: /assets
          s3:
            bucket: my-assets
            region: eu-west-1
          auth:
            type: public
      """;

  /** The errors of the one-bucket document with {@code line} replaced by {@code replacement}. */
  private static List<String> bucketErrors(String line, String replacement) {
    assertThat(BUCKET).contains(line);
    return errorsOf(BUCKET.replace(line, replacement));
  }

  private static List<String> secondBucketErrors(String name, String pathPrefix) {
    return errorsOf(
        BUCKET
            + """
              - name: %s
                pathPrefix: %s
                s3: {bucket: other-bucket, region: eu-west-1}
                auth: {type: public}
            """
                .formatted(name, pathPrefix));
  }

  private static String prefix(String pathPrefix) throws ConfigException {
    return PARSER
        .parseYaml(BUCKET.replace("pathPrefix: /assets", "pathPrefix: " + pathPrefix))
        .buckets()
        .get(0)
        .pathPrefix();
  }

  @Test
  void theOneBucketDocumentIsValid() throws ConfigException {
    assertThat(PARSER.parseYaml(BUCKET).buckets()).hasSize(1);
  }

  // server, admin

  @Test
  void rejectsAListenAddressWithoutPort() {
    assertThat(errorsOf("server: {listen: localhost}"))
        .containsExactly(
            "server.listen: \"localhost\" is not a listen address (expected: host:port, e.g."
                + " 0.0.0.0:8080 or [::1]:8080)");
  }

  @Test
  void rejectsAListenPortAbove65535() {
    assertThat(errorsOf("server: {listen: \"0.0.0.0:65536\"}"))
        .containsExactly("server.listen: \"0.0.0.0:65536\" has port 65536 (expected: 0..65535)");
  }

  @Test
  void rejectsAnIpv6ListenAddressWithoutBrackets() {
    assertThat(errorsOf("admin: {listen: \"::1:9090\"}"))
        .containsExactly(
            "admin.listen: \"::1:9090\" is not a listen address (expected: host:port, e.g."
                + " 0.0.0.0:8080 or [::1]:8080)");
  }

  @Test
  void rejectsMaxRequestHeaderBytesOutOfRange() {
    assertThat(errorsOf("server: {maxRequestHeaderBytes: 1023}"))
        .containsExactly("server.maxRequestHeaderBytes: 1023 (expected: 1024..1048576)");
    assertThat(errorsOf("server: {maxRequestHeaderBytes: 1048577}"))
        .containsExactly("server.maxRequestHeaderBytes: 1048577 (expected: 1024..1048576)");
  }

  @Test
  void rejectsMaxUriBytesOutOfRange() {
    assertThat(errorsOf("server: {maxUriBytes: 255}"))
        .containsExactly("server.maxUriBytes: 255 (expected: 256..65536)");
    assertThat(errorsOf("server: {maxUriBytes: 99999999999999999999}"))
        .containsExactly("server.maxUriBytes: 99999999999999999999 (expected: 256..65536)");
  }

  @Test
  void rejectsANonIntegerSize() {
    assertThat(errorsOf("server: {maxUriBytes: abc}"))
        .containsExactly("server.maxUriBytes: \"abc\" is not an integer");
  }

  @Test
  void rejectsAZeroIdleTimeout() {
    assertThat(errorsOf("server: {idleTimeout: 0s}"))
        .containsExactly("server.idleTimeout: 0s (expected: > 0)");
  }

  @Test
  void rejectsAnUnknownTransport() {
    assertThat(errorsOf("server: {transport: fast}"))
        .containsExactly(
            "server.transport: \"fast\" is not supported (expected one of: auto, nio, epoll,"
                + " io_uring)");
  }

  // upstream, logging

  @Test
  void rejectsADurationThatDoesNotParse() {
    assertThat(errorsOf("upstream: {connectTimeout: 10 parsecs}"))
        .containsExactly(
            "upstream.connectTimeout: \"10 parsecs\" is not a duration (expected: e.g. 250ms, 2s,"
                + " 5m, 1h)");
  }

  @Test
  void rejectsZeroUpstreamTimeouts() {
    assertThat(errorsOf("upstream: {connectTimeout: 0ms, responseTimeout: 0s}"))
        .containsExactly(
            "upstream.connectTimeout: 0s (expected: > 0)",
            "upstream.responseTimeout: 0s (expected: > 0)");
  }

  @Test
  void rejectsMaxConnectionsPerEndpointOutOfRange() {
    assertThat(errorsOf("upstream: {maxConnectionsPerEndpoint: 0}"))
        .containsExactly("upstream.maxConnectionsPerEndpoint: 0 (expected: 1..65536)");
    assertThat(errorsOf("upstream: {maxConnectionsPerEndpoint: 65537}"))
        .containsExactly("upstream.maxConnectionsPerEndpoint: 65537 (expected: 1..65536)");
  }

  @Test
  void rejectsAnUnknownLogFormat() {
    assertThat(errorsOf("logging: {format: xml}"))
        .containsExactly("logging.format: \"xml\" is not supported (expected one of: json, text)");
  }

  @Test
  void rejectsANonBooleanAccessLog() {
    assertThat(errorsOf("logging: {accessLog: sometimes}"))
        .containsExactly(
            "logging.accessLog: \"sometimes\" is not a boolean (expected: true or false)");
  }

  // buckets[i].name

  @Test
  void requiresABucketName() {
    assertThat(bucketErrors("  - name: assets\n    pathPrefix", "  - pathPrefix"))
        .containsExactly("buckets[0].name: is required");
  }

  @Test
  void rejectsAnEmptyBucketName() {
    assertThat(bucketErrors("name: assets", "name: ''"))
        .containsExactly("buckets[0].name: must not be empty");
  }

  @Test
  void rejectsABucketNameOutsideTheAlphabet() {
    String expected =
        " is not a valid name (expected: 1..63 lowercase letters, digits and '-', starting and"
            + " ending with a letter or digit)";
    assertThat(bucketErrors("name: assets", "name: Assets"))
        .containsExactly("buckets[0].name: \"Assets\"" + expected);
    assertThat(bucketErrors("name: assets", "name: -assets"))
        .containsExactly("buckets[0].name: \"-assets\"" + expected);
    assertThat(bucketErrors("name: assets", "name: assets_2"))
        .containsExactly("buckets[0].name: \"assets_2\"" + expected);
    assertThat(bucketErrors("name: assets", "name: " + "a".repeat(64)))
        .containsExactly("buckets[0].name: \"" + "a".repeat(64) + "\"" + expected);
  }

  @Test
  void acceptsBucketNamesOfOneAndSixtyThreeCharacters() throws ConfigException {
    assertThat(PARSER.parseYaml(BUCKET.replace("name: assets", "name: a")).buckets()).hasSize(1);
    assertThat(
            PARSER.parseYaml(BUCKET.replace("name: assets", "name: a-" + "9".repeat(61))).buckets())
        .hasSize(1);
  }

  @Test
  void rejectsDuplicateNames() {
    assertThat(secondBucketErrors("assets", "/other"))
        .containsExactly("buckets[1].name: duplicates buckets[0] (expected: unique)");
  }

  // buckets[i].pathPrefix

  @Test
  void requiresAPathPrefix() {
    assertThat(bucketErrors("    pathPrefix: /assets\n", ""))
        .containsExactly("buckets[0].pathPrefix: is required");
  }

  @Test
  void rejectsAPrefixWithoutLeadingSlash() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: assets"))
        .containsExactly("buckets[0].pathPrefix: \"assets\" must start with '/'");
  }

  @Test
  void rejectsAnEmptyPrefix() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: ''"))
        .containsExactly("buckets[0].pathPrefix: must not be empty");
  }

  @Test
  void removesOneTrailingSlashFromThePrefix() throws ConfigException {
    assertThat(prefix("/assets/")).isEqualTo("/assets");
    assertThat(prefix("/a/b")).isEqualTo("/a/b");
  }

  @Test
  void acceptsTheRootPrefixAsACatchAll() throws ConfigException {
    assertThat(prefix("/")).isEqualTo("/");
  }

  @Test
  void rejectsEmptySegments() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /a//b"))
        .containsExactly("buckets[0].pathPrefix: \"/a//b\" must not contain an empty segment");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /assets//"))
        .containsExactly("buckets[0].pathPrefix: \"/assets//\" must not contain an empty segment");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: //"))
        .containsExactly("buckets[0].pathPrefix: \"//\" must not contain an empty segment");
  }

  @Test
  void rejectsDotSegments() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /a/./b"))
        .containsExactly("buckets[0].pathPrefix: \"/a/./b\" must not contain '.' or '..' segments");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /a/.."))
        .containsExactly("buckets[0].pathPrefix: \"/a/..\" must not contain '.' or '..' segments");
  }

  @Test
  void acceptsDotsInsideSegments() throws ConfigException {
    assertThat(prefix("/v1.2/..x")).isEqualTo("/v1.2/..x");
  }

  @Test
  void rejectsReservedCharactersInThePrefix() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /a%20b"))
        .containsExactly("buckets[0].pathPrefix: \"/a%20b\" must not contain '%'");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /a?b"))
        .containsExactly("buckets[0].pathPrefix: \"/a?b\" must not contain '?'");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: '/a#b'"))
        .containsExactly("buckets[0].pathPrefix: \"/a#b\" must not contain '#'");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: '/a\\b'"))
        .containsExactly("buckets[0].pathPrefix: \"/a\\\\b\" must not contain '\\'");
  }

  @Test
  void rejectsWhitespaceInThePrefix() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /a b"))
        .containsExactly("buckets[0].pathPrefix: \"/a b\" must not contain whitespace");
  }

  @Test
  void rejectsControlCharactersInThePrefix() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: \"/a\\x7fb\""))
        .containsExactly(
            "buckets[0].pathPrefix: \"/a\\u007fb\" must not contain control characters");
  }

  @Test
  void rejectsDuplicatePrefixes() {
    assertThat(secondBucketErrors("other", "/assets"))
        .containsExactly("buckets[1].pathPrefix: duplicates buckets[0] (expected: unique)");
  }

  @Test
  void rejectsPrefixesThatDuplicateAfterNormalisation() {
    assertThat(secondBucketErrors("other", "/assets/"))
        .containsExactly("buckets[1].pathPrefix: duplicates buckets[0] (expected: unique)");
  }

  @Test
  void reservesHealthAndEverythingUnderIt() {
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /health"))
        .containsExactly("buckets[0].pathPrefix: /health is reserved for the health check");
    assertThat(bucketErrors("pathPrefix: /assets", "pathPrefix: /health/deep/"))
        .containsExactly("buckets[0].pathPrefix: /health is reserved for the health check");
  }

  @Test
  void doesNotReserveMereNamesakesOfHealth() throws ConfigException {
    assertThat(prefix("/healthz")).isEqualTo("/healthz");
  }

  // buckets[i].s3

  @Test
  void requiresS3() {
    assertThat(bucketErrors("    s3:\n      bucket: my-assets\n      region: eu-west-1\n", ""))
        .containsExactly("buckets[0].s3: is required");
  }

  @Test
  void requiresAnS3Bucket() {
    assertThat(bucketErrors("      bucket: my-assets\n", ""))
        .containsExactly("buckets[0].s3.bucket: is required");
  }

  @Test
  void rejectsS3BucketNamesBreakingTheS3Rules() {
    String expected =
        " is not a valid S3 bucket name (expected: 3..63 lowercase letters, digits, '.' and '-',"
            + " starting and ending with a letter or digit, no '..', not an IP address)";
    for (String bucket :
        List.of("ab", "My-Assets", "-assets", "assets-", "a..b", "192.168.1.1", "a".repeat(64))) {
      assertThat(bucketErrors("bucket: my-assets", "bucket: " + bucket))
          .containsExactly("buckets[0].s3.bucket: \"" + bucket + "\"" + expected);
    }
  }

  @Test
  void acceptsS3BucketNamesWithDots() throws ConfigException {
    assertThat(
            PARSER
                .parseYaml(BUCKET.replace("bucket: my-assets", "bucket: assets.example.com"))
                .buckets())
        .hasSize(1);
  }

  @Test
  void requiresARegion() {
    assertThat(bucketErrors("      region: eu-west-1\n", ""))
        .containsExactly("buckets[0].s3.region: is required");
  }

  @Test
  void rejectsAnEmptyRegion() {
    assertThat(bucketErrors("region: eu-west-1", "region: ''"))
        .containsExactly("buckets[0].s3.region: must not be empty");
  }

  @Test
  void rejectsARegionOutsideTheAlphabet() {
    assertThat(bucketErrors("region: eu-west-1", "region: EU West"))
        .containsExactly(
            "buckets[0].s3.region: \"EU West\" is not a valid region (expected: lowercase letters,"
                + " digits and '-')");
  }

  @Test
  void rejectsAnEndpointThatIsNotHttp() {
    assertThat(endpointErrors("ftp://files.example.com"))
        .containsExactly("buckets[0].s3.endpoint: must be an http or https URL");
    assertThat(endpointErrors("minio:9000"))
        .containsExactly("buckets[0].s3.endpoint: must be an http or https URL");
  }

  @Test
  void rejectsAnEndpointWithoutHost() {
    assertThat(endpointErrors("http:///bucket"))
        .containsExactly("buckets[0].s3.endpoint: must have a host");
  }

  @Test
  void rejectsAnEndpointWithUserInfoWithoutEchoingIt() {
    assertThat(endpointErrors("https://admin:hunter2@minio.local"))
        .containsExactly("buckets[0].s3.endpoint: must not contain user info");
  }

  @Test
  void rejectsAnEndpointWithPathQueryOrFragment() {
    String expected =
        "buckets[0].s3.endpoint: must not have a path, query or fragment (expected: e.g."
            + " https://s3.example.com:9000)";
    assertThat(endpointErrors("https://minio.local/bucket")).containsExactly(expected);
    assertThat(endpointErrors("https://minio.local?x=1")).containsExactly(expected);
    assertThat(endpointErrors("'https://minio.local/#top'")).containsExactly(expected);
  }

  @Test
  void rejectsAnEndpointThatIsNotAUri() {
    assertThat(endpointErrors("http://minio local"))
        .containsExactly(
            "buckets[0].s3.endpoint: is not a valid URI (Illegal character in authority at index"
                + " 7)");
  }

  @Test
  void rejectsAnEndpointWithPortZero() {
    assertThat(endpointErrors("http://minio.local:0"))
        .containsExactly("buckets[0].s3.endpoint: port 0 (expected: 1..65535)");
  }

  private static List<String> endpointErrors(String endpoint) {
    return bucketErrors("region: eu-west-1", "region: eu-west-1\n      endpoint: " + endpoint);
  }

  @Test
  void rejectsANonBooleanPathStyle() {
    assertThat(bucketErrors("region: eu-west-1", "region: eu-west-1\n      pathStyle: maybe"))
        .containsExactly(
            "buckets[0].s3.pathStyle: \"maybe\" is not a boolean (expected: true or false)");
  }

  @Test
  void rejectsAKeyPrefixWithLeadingSlash() {
    assertThat(bucketErrors("region: eu-west-1", "region: eu-west-1\n      keyPrefix: /public/"))
        .containsExactly("buckets[0].s3.keyPrefix: \"/public/\" must not start with '/'");
  }

  // buckets[i].s3.credentials

  private static List<String> credentialErrors(String credentials) {
    return bucketErrors(
        "region: eu-west-1", "region: eu-west-1\n      credentials: " + credentials);
  }

  @Test
  void requiresBothKeysOfStaticCredentials() {
    assertThat(credentialErrors("{secretAccessKey: s3cr3t}"))
        .containsExactly("buckets[0].s3.credentials.accessKeyId: is required");
    assertThat(credentialErrors("{accessKeyId: AKIA1234}"))
        .containsExactly("buckets[0].s3.credentials.secretAccessKey: is required");
  }

  @Test
  void rejectsEmptyCredentialKeys() {
    assertThat(credentialErrors("{accessKeyId: '', secretAccessKey: ''}"))
        .containsExactly(
            "buckets[0].s3.credentials.accessKeyId: must not be empty",
            "buckets[0].s3.credentials.secretAccessKey: must not be empty");
  }

  @Test
  void treatsAnEmptySessionTokenAsNone() throws ConfigException {
    S3Credentials credentials =
        PARSER
            .parseYaml(
                BUCKET.replace(
                    "region: eu-west-1",
                    "region: eu-west-1\n      credentials: {accessKeyId: AKIA1234,"
                        + " secretAccessKey: s3cr3t, sessionToken: ''}"))
            .buckets()
            .get(0)
            .s3()
            .credentials();

    assertThat(credentials).isEqualTo(new S3Credentials("AKIA1234", "s3cr3t", null));
  }

  @Test
  void rejectsAnUnquotedNumberAsASecretWithoutEchoingIt() {
    assertThat(credentialErrors("{accessKeyId: AKIA1234, secretAccessKey: 0123}"))
        .containsExactly(
            "buckets[0].s3.credentials.secretAccessKey: is a number (expected: a string, in quotes"
                + " if need be)");
  }

  // buckets[i].auth

  @Test
  void requiresAuth() {
    assertThat(bucketErrors("    auth:\n      type: public\n", ""))
        .containsExactly("buckets[0].auth: is required");
  }

  @Test
  void requiresAnAuthType() {
    assertThat(bucketErrors("type: public", "{}"))
        .containsExactly("buckets[0].auth.type: is required");
  }

  @Test
  void rejectsAnUnknownAuthType() {
    assertThat(bucketErrors("type: public", "type: oauth"))
        .containsExactly(
            "buckets[0].auth.type: \"oauth\" is not supported (expected one of: public, jwt)");
  }

  @Test
  void reportsTheAbsentAuthOfTheThirdBucket() {
    assertThat(
            errorsOf(
                BUCKET
                    + """
                      - name: b
                        pathPrefix: /b
                        s3: {bucket: bucket-b, region: r}
                        auth: {type: public}
                      - name: c
                        pathPrefix: /c
                        s3: {bucket: bucket-c, region: r}
                    """))
        .containsExactly("buckets[2].auth: is required");
  }
}
