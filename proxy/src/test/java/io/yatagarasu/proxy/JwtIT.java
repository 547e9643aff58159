package io.yatagarasu.proxy;

import static io.yatagarasu.proxy.auth.TestKeys.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.auth.TestKeys;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Private buckets end to end: tokens from a header, a query parameter and a cookie, every key type
 * (RS256 from a JWKS that rotates during the test, ES256, HS256 and EdDSA keys in the
 * configuration), 401 and 403 answers, and the token kept away from S3 and the logs.
 */
class JwtIT {
  private static final String ISS = "https://login.example.test";
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  private static S3ProxyServer store;
  private static FaultProxy relay;
  private static HttpServer idp;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;
  private static KeyPair rsa1;
  private static KeyPair rsa2;
  private static KeyPair ec;
  private static KeyPair ed;
  private static final AtomicReference<String> JWKS = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    rsa1 = TestKeys.rsa();
    rsa2 = TestKeys.rsa();
    ec = TestKeys.ec("secp256r1");
    ed = TestKeys.ed25519();
    JWKS.set(jwks(rsa1, "rsa-1"));

    idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    idp.createContext(
        "/jwks",
        exchange -> {
          byte[] body = JWKS.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    idp.start();

    store = S3ProxyServer.start("jwt-key", "jwt-secret-0123456789");
    store.createBucket("files");
    for (String key : List.of("public.txt", "acme/q3.csv", "other/q3.csv")) {
      store.putObject("files", key, key.getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    }
    relay = new FaultProxy(store.port());

    String edJwk =
        new OctetKeyPair.Builder(
                com.nimbusds.jose.jwk.Curve.Ed25519,
                Base64URL.encode(Arrays.copyOfRange(ed.getPublic().getEncoded(), 12, 44)))
            .build()
            .toJSONString();
    String yaml =
        """
        server: { listen: 127.0.0.1:0 }
        admin: { listen: 127.0.0.1:0 }
        jwt:
          issuers:
            - name: corp
              issuer: %s
              audiences: [assets-api]
              jwksUrl: http://127.0.0.1:%d/jwks
              keys:
                - { kid: ec-1, algorithm: ES256, publicKey: %s }
                - { kid: shared, algorithm: HS256, secret: %s }
                - { kid: ed-1, algorithm: EdDSA, publicKey: '%s' }
          clockSkew: 5s
          tokenSources:
            - { header: Authorization, prefix: "Bearer " }
            - { query: access_token }
            - { cookie: session }
        buckets:
          - name: public
            pathPrefix: /public
            s3: S3
            auth: { type: public }
          - name: private
            pathPrefix: /private
            s3: S3
            auth:
              type: jwt
              issuers: [corp]
              claims:
                - { claim: groups, operator: contains, value: finance }
          - name: tenants
            pathPrefix: /tenants
            s3: S3
            auth:
              type: jwt
              pathClaim: { claim: tenant, template: "/tenants/{claim}/" }
          - name: blocked
            pathPrefix: /blocked
            s3: S3
            auth: { type: public }
            ipDeny: [127.0.0.0/8]
        """
            .formatted(
                ISS,
                idp.getAddress().getPort(),
                json(TestKeys.pem(ec.getPublic())),
                json(TestKeys.HMAC_SECRET),
                edJwk)
            .replace(
                "s3: S3",
                "s3: { bucket: files, region: us-east-1, endpoint: \"http://127.0.0.1:"
                    + relay.port()
                    + "\", credentials: { accessKeyId: jwt-key, secretAccessKey:"
                    + " jwt-secret-0123456789 } }");
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (idp != null) {
      idp.stop(0);
    }
    if (store != null) {
      store.close();
    }
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\"";
  }

  private static String jwks(Object... pairsAndKids) {
    List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
    for (int i = 0; i < pairsAndKids.length; i += 2) {
      keys.add(
          new RSAKey.Builder((RSAPublicKey) ((KeyPair) pairsAndKids[i]).getPublic())
              .keyID((String) pairsAndKids[i + 1])
              .algorithm(JWSAlgorithm.RS256)
              .build());
    }
    return new JWKSet(keys).toString();
  }

  private static JWTClaimsSet.Builder finance() {
    return claims(ISS, System.currentTimeMillis()).claim("groups", List.of("finance"));
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void publicAndPrivateBucketsSideBySide() throws Exception {
    assertThat(get("/public/public.txt").statusCode()).isEqualTo(200);
    HttpResponse<String> missing = get("/private/public.txt");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("www-authenticate"))
        .hasValue("Bearer realm=\"yatagarasu\"");
    assertThat(missing.body()).contains("\"error\":\"MissingToken\"");
  }

  @Test
  void acceptsTokensFromTheHeaderTheQueryAndACookie() throws Exception {
    String token = TestKeys.hs256(TestKeys.HMAC_SECRET, "shared", finance().build());
    assertThat(get("/private/public.txt", "Authorization", "Bearer " + token).body())
        .isEqualTo("public.txt");
    assertThat(get("/private/public.txt?access_token=" + token).body()).isEqualTo("public.txt");
    assertThat(get("/private/public.txt", "Cookie", "theme=dark; session=" + token).body())
        .isEqualTo("public.txt");
  }

  @Test
  void acceptsEveryKeyType() throws Exception {
    for (String token :
        List.of(
            TestKeys.rs256(rsa1, "rsa-1", finance().build()),
            TestKeys.es256(ec, "ec-1", finance().build()),
            TestKeys.hs256(TestKeys.HMAC_SECRET, "shared", finance().build()),
            TestKeys.eddsa(ed, "ed-1", finance().build()))) {
      HttpResponse<String> r = get("/private/public.txt", "Authorization", "Bearer " + token);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void invalidTokensGet401NamingTheCheck() throws Exception {
    long now = System.currentTimeMillis();
    String expired =
        TestKeys.hs256(
            TestKeys.HMAC_SECRET,
            "shared",
            finance().expirationTime(new java.util.Date(now - 60_000)).build());
    HttpResponse<String> r = get("/private/public.txt", "Authorization", "Bearer " + expired);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("www-authenticate"))
        .hasValue("Bearer realm=\"yatagarasu\", error=\"invalid_token\"");
    assertThat(r.body())
        .contains("\"error\":\"InvalidToken\"")
        .contains("The token has expired.")
        .doesNotContain(expired);

    String wrongSecret =
        TestKeys.hs256("another-secret-that-is-32-bytes-long!", "shared", finance().build());
    assertThat(get("/private/public.txt", "Authorization", "Bearer " + wrongSecret).body())
        .contains("The token's signature does not verify.");
    assertThat(get("/private/public.txt", "Authorization", "Bearer not.a.jwt").body())
        .contains("The token is not a well-formed signed JWT.");
    String none = TestKeys.raw("{\"alg\":\"none\"}", finance().build().toString(), "");
    assertThat(get("/private/public.txt", "Authorization", "Bearer " + none).statusCode())
        .isEqualTo(401);
  }

  @Test
  void validTokensWithTheWrongClaimsGet403() throws Exception {
    String outsider =
        TestKeys.hs256(
            TestKeys.HMAC_SECRET,
            "shared",
            claims(ISS, System.currentTimeMillis()).claim("groups", List.of("sales")).build());
    HttpResponse<String> r = get("/private/public.txt", "Authorization", "Bearer " + outsider);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("\"error\":\"AccessDenied\"").contains("claims");
    assertThat(r.headers().firstValue("www-authenticate"))
        .get()
        .asString()
        .contains("insufficient_scope");
  }

  @Test
  void aPathClaimKeepsATenantInItsFolder() throws Exception {
    String acme =
        TestKeys.hs256(
            TestKeys.HMAC_SECRET,
            "shared",
            claims(ISS, System.currentTimeMillis()).claim("tenant", "acme").build());
    assertThat(get("/tenants/acme/q3.csv", "Authorization", "Bearer " + acme).body())
        .isEqualTo("acme/q3.csv");
    HttpResponse<String> other = get("/tenants/other/q3.csv", "Authorization", "Bearer " + acme);
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("may not read this path");
  }

  @Test
  void followsAJwksThatRotatesKeys() throws Exception {
    assertThat(
            get(
                    "/private/public.txt",
                    "Authorization",
                    "Bearer " + TestKeys.rs256(rsa1, "rsa-1", finance().build()))
                .statusCode())
        .isEqualTo(200);
    // The identity provider publishes a new signing key next to the old one; the proxy has not
    // seen it yet, so the first token naming it makes the proxy fetch the key set again.
    JWKS.set(jwks(rsa2, "rsa-2", rsa1, "rsa-1"));
    String rotated = TestKeys.rs256(rsa2, "rsa-2", finance().build());
    HttpResponse<String> r = get("/private/public.txt", "Authorization", "Bearer " + rotated);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(
            get(
                    "/private/public.txt",
                    "Authorization",
                    "Bearer " + TestKeys.rs256(rsa1, "rsa-1", finance().build()))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void addressDeniedGets403BeforeAnyToken() throws Exception {
    HttpResponse<String> r = get("/blocked/public.txt");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("address");
  }

  @Test
  void theTokenNeverReachesS3OrTheLogs() throws Exception {
    String token =
        TestKeys.hs256(TestKeys.HMAC_SECRET, "shared", finance().subject("auditor-9").build());
    get("/private/public.txt", "Authorization", "Bearer " + token, "X-Request-Id", "jwt-log-1");
    get("/private/public.txt?access_token=" + token + "&versionId=null");
    get("/private/public.txt", "Cookie", "session=" + token);
    String upstream = relay.sent();
    assertThat(upstream)
        .contains("GET /files/public.txt")
        .doesNotContain(token)
        .doesNotContain("access_token");
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertThat(upstream).doesNotContain(signature);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> lines().stream().anyMatch(l -> l.contains("\"requestId\":\"jwt-log-1\"")));
    String access =
        lines().stream()
            .filter(l -> l.contains("\"requestId\":\"jwt-log-1\""))
            .findFirst()
            .orElseThrow();
    assertThat(access).contains("\"sub\":\"auditor-9\"").contains("\"issuer\":\"corp\"");
    for (String line : lines()) {
      assertThat(line).doesNotContain(signature).doesNotContain(TestKeys.HMAC_SECRET);
    }
  }

  private static List<String> lines() {
    synchronized (LOGS) {
      List<String> lines = new ArrayList<>();
      for (ILoggingEvent e : new ArrayList<>(LOGS.list)) {
        lines.add(e.getFormattedMessage());
      }
      return lines;
    }
  }
}
