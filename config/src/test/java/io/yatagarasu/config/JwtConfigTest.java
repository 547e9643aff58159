package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwtConfigTest {
  private static final ConfigParser PARSER =
      new ConfigParser(Environment.of(Map.of("JWT_SECRET", "x".repeat(40))));
  private static final String PEM =
      "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----";

  private static List<String> errorsOf(String yaml) {
    return catchThrowableOfType(ConfigException.class, () -> PARSER.parseYaml(yaml)).errors();
  }

  @Test
  void readsTheFullJwtSection() throws Exception {
    ProxyConfig config =
        PARSER.parseYaml(
            """
            server:
              trustedProxies: [10.0.0.0/8, "::1"]
            jwt:
              issuers:
                - name: corp
                  issuer: https://login.example.com
                  audiences: [assets-api]
                  jwksUrl: https://login.example.com/.well-known/jwks.json
                  keys:
                    - kid: k1
                      algorithm: ES256
                      publicKey: "%s"
                    - kid: shared
                      algorithm: HS256
                      secret: ${JWT_SECRET}
                  jwksRefreshInterval: 5m
              clockSkew: 10s
              tokenSources:
                - header: Authorization
                  prefix: "Bearer "
                - query: access_token
                - cookie: session
            buckets:
              - name: reports
                pathPrefix: /reports
                s3: { bucket: reports, region: eu-west-1 }
                ipAllow: [192.168.0.0/16]
                ipDeny: [192.168.1.7]
                auth:
                  type: jwt
                  issuers: [corp]
                  claims:
                    - { claim: groups, operator: contains, value: finance }
                    - { claim: tenant, operator: equals, value: acme }
                    - { claim: scope, operator: containsAll, values: [reports.read] }
                    - { claim: org.level, operator: gte, value: 3 }
                    - { claim: sub, operator: exists }
                  pathClaim: { claim: tenant, template: "/reports/{claim}/" }
            """
                .formatted(PEM));
    JwtIssuer corp = config.jwt().issuer("corp");
    assertThat(corp.audiences()).containsExactly("assets-api");
    assertThat(corp.jwksUrl())
        .isEqualTo(URI.create("https://login.example.com/.well-known/jwks.json"));
    assertThat(corp.keys())
        .extracting(JwtKey::algorithm)
        .containsExactly(JwtAlgorithm.ES256, JwtAlgorithm.HS256);
    assertThat(corp.jwksRefreshInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.jwt().clockSkew()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.jwt().tokenSources())
        .containsExactly(
            new TokenSource(TokenSource.Kind.HEADER, "Authorization", "Bearer "),
            new TokenSource(TokenSource.Kind.QUERY, "access_token", null),
            new TokenSource(TokenSource.Kind.COOKIE, "session", null));
    BucketConfig bucket = config.buckets().get(0);
    assertThat(bucket.ipAllow()).containsExactly("192.168.0.0/16");
    assertThat(bucket.ipDeny()).containsExactly("192.168.1.7");
    assertThat(bucket.auth().claims())
        .contains(new ClaimRule("org.level", ClaimOperator.GTE, List.of("3")))
        .contains(new ClaimRule("sub", ClaimOperator.EXISTS, List.of()));
    assertThat(bucket.auth().pathClaim()).isEqualTo(new PathClaim("tenant", "/reports/{claim}/"));
    assertThat(config.server().trustedProxies()).containsExactly("10.0.0.0/8", "::1");
    assertThat(PARSER.parseJson(ConfigWriter.toJson(config))).isEqualTo(config);
  }

  @Test
  void defaultsToBearerTokensAndThirtySecondsOfSkew() throws Exception {
    JwtConfig jwt = PARSER.parseYaml("buckets: []\n").jwt();
    assertThat(jwt).isEqualTo(JwtConfig.defaults());
    assertThat(jwt.tokenSources()).containsExactly(TokenSource.bearerHeader());
    assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void documentsWithoutJwtKeepTheirBytes() throws Exception {
    assertThat(ConfigWriter.toCanonicalJson(PARSER.parseYaml("buckets: []\n")))
        .doesNotContain("jwt");
  }

  @Test
  void reportsEveryKeyProblemWithoutShowingSecrets() {
    List<String> errors =
        errorsOf(
            """
            jwt:
              issuers:
                - name: corp
                  issuer: https://login.example.com
                  keys:
                    - algorithm: HS256
                      secret: too-short-secret
                    - kid: rsa
                      algorithm: RS256
                      secret: rsa-with-a-secret-value-0123456789
                    - kid: rsa
                      algorithm: XX999
                - name: corp
                  issuer: ""
            """);
    assertThat(errors)
        .contains(
            "jwt.issuers[0].keys[0].secret: the secret of an HS256 key has 16 bytes (expected: at"
                + " least 32)",
            "jwt.issuers[0].keys[0].kid: is required when an issuer has more than one key",
            "jwt.issuers[0].keys[1].publicKey: a RS256 key takes a publicKey, not a secret",
            "jwt.issuers[0].keys[2].kid: duplicates jwt.issuers[0].keys[1] (expected: unique)",
            "jwt.issuers[1].name: duplicates jwt.issuers[0] (expected: unique)",
            "jwt.issuers[1].issuer: must not be empty",
            "jwt.issuers[1].keys: an issuer needs a jwksUrl, keys, or both")
        .anyMatch(
            e -> e.startsWith("jwt.issuers[0].keys[2].algorithm: \"XX999\" is not supported"));
    assertThat(String.join("\n", errors))
        .doesNotContain("too-short-secret")
        .doesNotContain("rsa-with-a-secret-value");
  }

  @Test
  void rejectsPrivateKeysAndTextThatIsNoKey() {
    assertThat(
            errorsOf(
                """
                jwt:
                  issuers:
                    - name: corp
                      issuer: x
                      keys:
                        - { kid: a, algorithm: RS256, publicKey: "-----BEGIN PRIVATE KEY-----" }
                        - { kid: b, algorithm: ES256, publicKey: "hello" }
                """))
        .containsExactly(
            "jwt.issuers[0].keys[0].publicKey: is a private key (expected: the public key only)",
            "jwt.issuers[0].keys[1].publicKey: is neither a PEM public key nor a JWK (expected:"
                + " -----BEGIN PUBLIC KEY----- or {...})");
  }

  @Test
  void rejectsMalformedTokenSources() {
    assertThat(
            errorsOf(
                """
                jwt:
                  tokenSources:
                    - { header: Authorization, query: token }
                    - { query: token, prefix: "Bearer " }
                    - {}
                """))
        .containsExactly(
            "jwt.tokenSources[0].header: a token source names exactly one of header, query or"
                + " cookie",
            "jwt.tokenSources[1].prefix: only a header has a prefix",
            "jwt.tokenSources[2].header: a token source names exactly one of header, query or"
                + " cookie");
  }

  private static final String ISSUER =
      "jwt:\n  issuers:\n    - { name: corp, issuer: x, jwksUrl: \"https://idp/jwks\" }\n";

  @Test
  void checksClaimRulesAgainstTheirOperator() {
    assertThat(
            errorsOf(
                ISSUER
                    + """
                    buckets:
                      - name: r
                        pathPrefix: /r
                        s3: { bucket: reports, region: r }
                        auth:
                          type: jwt
                          claims:
                            - { claim: groups, operator: containsAny, value: a }
                            - { claim: tenant, operator: equals, values: [a, b] }
                            - { claim: level, operator: gte, value: high }
                            - { claim: sub, operator: exists, value: x }
                            - { claim: "bad claim", operator: equals, value: x }
                            - { claim: x, operator: matches, value: x }
                          pathClaim: { claim: tenant, template: "/r/" }
                    """))
        .containsExactly(
            "buckets[0].auth.claims[0].value: containsAny takes a list: use values",
            "buckets[0].auth.claims[1].values: equals takes one value: use value",
            "buckets[0].auth.claims[2].value: \"high\" is not a number (expected: gte compares"
                + " numbers)",
            "buckets[0].auth.claims[3].value: exists takes no value",
            "buckets[0].auth.claims[4].claim: \"bad claim\" is not a claim name or dotted path"
                + " (expected: e.g. groups, org.level)",
            "buckets[0].auth.claims[5].operator: \"matches\" is not supported (expected one of:"
                + " equals, notEquals, in, contains, containsAny, containsAll, prefix, exists, gt,"
                + " gte, lt, lte)",
            "buckets[0].auth.pathClaim.template: \"/r/\" must contain {claim} exactly once");
  }

  @Test
  void jwtBucketsNeedKnownIssuers() {
    String bucket =
        """
        buckets:
          - name: r
            pathPrefix: /r
            s3: { bucket: reports, region: r }
            auth: { type: jwt, issuers: [corp, other] }
        """;
    assertThat(errorsOf(ISSUER + bucket))
        .containsExactly(
            "buckets[0].auth.issuers[1]: \"other\" is not an issuer under jwt.issuers");
    assertThat(errorsOf(bucket))
        .containsExactly("buckets[0].auth.type: jwt needs at least one issuer under jwt.issuers");
  }

  @Test
  void publicBucketsTakeNoJwtSettings() {
    assertThat(
            errorsOf(
                ISSUER
                    + """
                    buckets:
                      - name: p
                        pathPrefix: /p
                        s3: { bucket: public-bucket, region: r }
                        auth:
                          type: public
                          issuers: [corp]
                          claims: [{ claim: sub, operator: exists }]
                          pathClaim: { claim: sub, template: "/p/{claim}/" }
                    """))
        .containsExactly(
            "buckets[0].auth.issuers: only applies to auth type jwt",
            "buckets[0].auth.claims: only applies to auth type jwt",
            "buckets[0].auth.pathClaim: only applies to auth type jwt");
  }

  @Test
  void checksAddressBlocks() {
    assertThat(
            errorsOf(
                """
                server: { trustedProxies: [10.0.0.0/33, example.com] }
                buckets:
                  - name: p
                    pathPrefix: /p
                    s3: { bucket: public-bucket, region: r }
                    auth: { type: public }
                    ipAllow: ["2001:db8::/129", 300.1.1.1]
                    ipDeny: [10.0.0.1/32, "::"]
                """))
        .containsExactly(
            "server.trustedProxies[0]: \"10.0.0.0/33\" has a prefix length outside 0..32",
            "server.trustedProxies[1]: \"example.com\" is not an address or CIDR block (expected:"
                + " e.g. 10.0.0.0/8, 2001:db8::/32)",
            "buckets[0].ipAllow[0]: \"2001:db8::/129\" has a prefix length outside 0..128",
            "buckets[0].ipAllow[1]: \"300.1.1.1\" is not an address or CIDR block (expected: e.g."
                + " 10.0.0.0/8, 2001:db8::/32)");
  }

  @Test
  void keyToStringHidesTheSecret() {
    String text =
        new JwtKey("k", JwtAlgorithm.HS256, null, "s".repeat(32) + "TOPSECRET").toString();
    assertThat(text).doesNotContain("TOPSECRET").contains("secret=****");
  }
}
