package io.yatagarasu.proxy.auth;

import static io.yatagarasu.proxy.auth.TestKeys.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import io.yatagarasu.config.JwtAlgorithm;
import io.yatagarasu.config.JwtConfig;
import io.yatagarasu.config.JwtIssuer;
import io.yatagarasu.config.JwtKey;
import io.yatagarasu.config.TokenSource;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {
  private static final String ISS = "https://login.example.com";
  private static KeyPair rsa;
  private static KeyPair rsaNew;
  private static KeyPair ec;
  private static KeyPair ed;
  private static ExecutorService executor;
  private static ScheduledExecutorService scheduler;
  private static final AtomicLong NOW = new AtomicLong(1_800_000_000_000L);

  @BeforeAll
  static void keys() throws Exception {
    rsa = TestKeys.rsa();
    rsaNew = TestKeys.rsa();
    ec = TestKeys.ec("secp256r1");
    ed = TestKeys.ed25519();
    executor = Executors.newCachedThreadPool();
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    scheduler.shutdownNow();
  }

  private static JwksRegistry registry() {
    return new JwksRegistry(executor, scheduler, NOW::get);
  }

  private static JwtConfig config(List<JwtKey> keys, URI jwks) {
    return new JwtConfig(
        List.of(
            new JwtIssuer("corp", ISS, List.of("assets-api"), jwks, keys, Duration.ofMinutes(10))),
        Duration.ofSeconds(30),
        List.of(TokenSource.bearerHeader()));
  }

  private static JwtVerifier staticKeys() {
    return JwtVerifier.build(
        config(
            List.of(
                new JwtKey("rsa-old", JwtAlgorithm.RS256, TestKeys.pem(rsa.getPublic()), null),
                new JwtKey("rsa-new", JwtAlgorithm.RS256, TestKeys.pem(rsaNew.getPublic()), null),
                new JwtKey("ec", JwtAlgorithm.ES256, TestKeys.pem(ec.getPublic()), null),
                new JwtKey("ed", JwtAlgorithm.EdDSA, TestKeys.pem(ed.getPublic()), null),
                new JwtKey("shared", JwtAlgorithm.HS256, null, TestKeys.HMAC_SECRET)),
            null),
        registry(),
        NOW::get);
  }

  private static JWTClaimsSet valid() {
    return claims(ISS, NOW.get()).build();
  }

  private static TokenProblem problemOf(JwtVerifier verifier, String token) {
    Verification v = verifier.verify(token, List.of());
    return v.problem();
  }

  @Test
  void acceptsEveryKeyType() throws Exception {
    JwtVerifier verifier = staticKeys();
    for (String token :
        List.of(
            TestKeys.rs256(rsa, "rsa-old", valid()),
            TestKeys.es256(ec, "ec", valid()),
            TestKeys.eddsa(ed, "ed", valid()),
            TestKeys.hs256(TestKeys.HMAC_SECRET, "shared", valid()))) {
      Verification v = verifier.verify(token, List.of());
      assertThat(v.problem()).as(token).isNull();
      assertThat(v.token().subject()).isEqualTo("user-1");
      assertThat(v.token().issuerName()).isEqualTo("corp");
    }
  }

  @Test
  void acceptsRotatedKeysSideBySide() throws Exception {
    JwtVerifier verifier = staticKeys();
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", valid()))).isNull();
    assertThat(problemOf(verifier, TestKeys.rs256(rsaNew, "rsa-new", valid()))).isNull();
    // the new key's token under the old key's kid does not verify
    assertThat(problemOf(verifier, TestKeys.rs256(rsaNew, "rsa-old", valid())))
        .isEqualTo(TokenProblem.SIGNATURE);
  }

  @Test
  void rejectsAlgNone() {
    String none =
        TestKeys.raw("{\"alg\":\"none\"}", "{\"iss\":\"" + ISS + "\",\"exp\":9999999999}", "");
    assertThat(problemOf(staticKeys(), none)).isEqualTo(TokenProblem.ALGORITHM);
  }

  @Test
  void rejectsAnAlgorithmOtherThanTheKeysPinnedOne() throws Exception {
    // An RS384 signature made with the RS256-pinned key.
    String token =
        TestKeys.sign(JWSAlgorithm.RS384, "rsa-old", new RSASSASigner(rsa.getPrivate()), valid());
    assertThat(problemOf(staticKeys(), token)).isEqualTo(TokenProblem.ALGORITHM);
  }

  @Test
  void rejectsHmacKeyedWithThePublicKey() throws Exception {
    // Algorithm confusion: HS256 "signed" with the RSA public key's bytes as the secret.
    byte[] publicBytes = TestKeys.pem(rsa.getPublic()).getBytes(StandardCharsets.UTF_8);
    String forged =
        TestKeys.sign(JWSAlgorithm.HS256, "rsa-old", new MACSigner(publicBytes), valid());
    assertThat(problemOf(staticKeys(), forged)).isEqualTo(TokenProblem.ALGORITHM);
  }

  @Test
  void rejectsKeyBearingHeaders() throws Exception {
    JwtVerifier verifier = staticKeys();
    RSASSASigner signer = new RSASSASigner(rsa.getPrivate());
    String jku =
        TestKeys.sign(
            JWSAlgorithm.RS256,
            "rsa-old",
            signer,
            valid(),
            h -> h.jwkURL(URI.create("https://evil/jwks")));
    String x5u =
        TestKeys.sign(
            JWSAlgorithm.RS256,
            "rsa-old",
            signer,
            valid(),
            h -> h.x509CertURL(URI.create("https://evil/c")));
    String jwk =
        TestKeys.sign(
            JWSAlgorithm.RS256,
            "rsa-old",
            signer,
            valid(),
            h -> h.jwk(new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build()));
    for (String token : List.of(jku, x5u, jwk)) {
      assertThat(problemOf(verifier, token)).isEqualTo(TokenProblem.FORBIDDEN_HEADER);
    }
  }

  @Test
  void checksIssuerAudienceAndSignature() throws Exception {
    JwtVerifier verifier = staticKeys();
    assertThat(
            problemOf(
                verifier,
                TestKeys.rs256(rsa, "rsa-old", claims("https://other", NOW.get()).build())))
        .isEqualTo(TokenProblem.ISSUER);
    assertThat(
            problemOf(
                verifier,
                TestKeys.rs256(rsa, "rsa-old", claims(ISS, NOW.get()).audience("x").build())))
        .isEqualTo(TokenProblem.AUDIENCE);
    String token = TestKeys.rs256(rsa, "rsa-old", valid());
    String[] parts = token.split("\\.");
    String tampered =
        parts[0]
            + "."
            + com.nimbusds.jose.util.Base64URL.encode(
                claims(ISS, NOW.get()).subject("admin").build().toString())
            + "."
            + parts[2];
    assertThat(problemOf(verifier, tampered)).isEqualTo(TokenProblem.SIGNATURE);
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "nope", valid())))
        .isEqualTo(TokenProblem.UNKNOWN_KEY);
  }

  @Test
  void allowsOnlyTheBucketsIssuers() throws Exception {
    JwtVerifier verifier = staticKeys();
    String token = TestKeys.rs256(rsa, "rsa-old", valid());
    assertThat(verifier.verify(token, List.of("corp")).problem()).isNull();
    assertThat(verifier.verify(token, List.of("partners")).problem())
        .isEqualTo(TokenProblem.ISSUER);
    // the cached answer obeys the bucket's issuers too
    assertThat(verifier.verify(token, List.of("partners")).problem())
        .isEqualTo(TokenProblem.ISSUER);
  }

  @Test
  void appliesTheClockSkewToExpiryAndNotBefore() throws Exception {
    JwtVerifier verifier = staticKeys();
    long now = NOW.get();
    JWTClaimsSet justExpired = claims(ISS, now).expirationTime(new Date(now - 20_000)).build();
    JWTClaimsSet longExpired = claims(ISS, now).expirationTime(new Date(now - 31_000)).build();
    JWTClaimsSet soon = claims(ISS, now).notBeforeTime(new Date(now + 20_000)).build();
    JWTClaimsSet later = claims(ISS, now).notBeforeTime(new Date(now + 31_000)).build();
    JWTClaimsSet noExpiry = new JWTClaimsSet.Builder().issuer(ISS).audience("assets-api").build();
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", justExpired))).isNull();
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", longExpired)))
        .isEqualTo(TokenProblem.EXPIRED);
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", soon))).isNull();
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", later)))
        .isEqualTo(TokenProblem.NOT_YET_VALID);
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", noExpiry)))
        .isEqualTo(TokenProblem.NO_EXPIRY);
  }

  @Test
  void aCachedTokenStillExpires() throws Exception {
    JwtVerifier verifier = staticKeys();
    long now = NOW.get();
    String token =
        TestKeys.rs256(
            rsa, "rsa-old", claims(ISS, now).expirationTime(new Date(now + 60_000)).build());
    assertThat(problemOf(verifier, token)).isNull();
    assertThat(problemOf(verifier, token)).isNull();
    NOW.addAndGet(91_000);
    try {
      assertThat(problemOf(verifier, token)).isEqualTo(TokenProblem.EXPIRED);
    } finally {
      NOW.addAndGet(-91_000);
    }
  }

  @Test
  void malformedInputIsRefusedNeverThrown() {
    JwtVerifier verifier = staticKeys();
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      byte[] bytes = new byte[random.nextInt(300)];
      random.nextBytes(bytes);
      String garbage = new String(bytes, StandardCharsets.ISO_8859_1);
      assertThat(verifier.verify(garbage, List.of()).problem()).isNotNull();
    }
    for (String token :
        List.of(
            "",
            "a",
            "a.b",
            "a.b.c.d",
            "!!!.@@@.###",
            "eyJhbGciOiJSUzI1NiJ9.%%%.sig",
            TestKeys.raw("{\"alg\":\"RS256\"", "{}", "x"),
            TestKeys.raw("[1,2]", "{}", "x"),
            TestKeys.raw("{\"alg\":\"RS256\"}", "not json", "x"),
            TestKeys.raw(
                "{\"alg\":\"RS256\",\"kid\":\"rsa-old\"}", "{\"iss\":\"" + ISS + "\"}", "!!"))) {
      assertThat(verifier.verify(token, List.of()).problem()).as(token).isNotNull();
    }
    String huge =
        TestKeys.raw("{\"alg\":\"RS256\",\"x\":\"" + "a".repeat(20_000) + "\"}", "{}", "x");
    assertThat(problemOf(verifier, huge)).isEqualTo(TokenProblem.TOO_LARGE);
  }

  @Test
  void buildNamesTheKeyThatCannotBeLoaded() {
    JwtConfig wrongFamily =
        config(
            List.of(new JwtKey("k", JwtAlgorithm.RS256, TestKeys.pem(ec.getPublic()), null)), null);
    assertThatThrownBy(() -> JwtVerifier.build(wrongFamily, registry(), NOW::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jwt.issuers[0].keys[0].publicKey:");
    JwtConfig wrongCurve =
        config(
            List.of(new JwtKey("k", JwtAlgorithm.ES384, TestKeys.pem(ec.getPublic()), null)), null);
    assertThat(JwtVerifier.checkKeys(wrongCurve))
        .containsExactly(
            "jwt.issuers[0].keys[0].publicKey: is a key on curve P-256 (expected: ES384 needs P-384)");
    JwtConfig garbage =
        config(
            List.of(
                new JwtKey(
                    "k",
                    JwtAlgorithm.RS256,
                    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                    null)),
            null);
    assertThat(JwtVerifier.checkKeys(garbage))
        .containsExactly(
            "jwt.issuers[0].keys[0].publicKey: cannot be read as a public key for RS256");
  }

  @Test
  void loadsKeysGivenAsJwk() throws Exception {
    String jwk =
        new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("rsa-old").build().toJSONString();
    JwtVerifier verifier =
        JwtVerifier.build(
            config(List.of(new JwtKey("rsa-old", JwtAlgorithm.RS256, jwk, null)), null),
            registry(),
            NOW::get);
    assertThat(problemOf(verifier, TestKeys.rs256(rsa, "rsa-old", valid()))).isNull();
  }

  @Test
  void fetchesTheKeySetForAnUnknownKidAtMostEvery30Seconds() throws Exception {
    AtomicReference<String> published = new AtomicReference<>(jwks(rsa, "k1"));
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = published.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
      JwtVerifier verifier = JwtVerifier.build(config(List.of(), url), registry(), NOW::get);
      await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() == 1);
      // Verified without waiting: the first load has ended (a token seen before then waits for it).
      String first = TestKeys.rs256(rsa, "k1", valid());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                Verification v = verifier.verify(first, List.of());
                return v.pending() == null && v.problem() == null;
              });

      // The issuer rotates to k2: the first token with k2 triggers one fetch and then verifies.
      published.set(jwks(rsaNew, "k2"));
      Verification pending = verifier.verify(TestKeys.rs256(rsaNew, "k2", valid()), List.of());
      assertThat(pending.pending()).isNotNull();
      assertThat(pending.pending().get().problem()).isNull();
      assertThat(fetches.get()).isEqualTo(2);

      // Another unknown kid within 30 s is refused without a fetch.
      Verification refused = verifier.verify(TestKeys.rs256(rsa, "k3", valid()), List.of());
      assertThat(refused.problem()).isEqualTo(TokenProblem.UNKNOWN_KEY);
      assertThat(fetches.get()).isEqualTo(2);

      // After 30 s, a fetch again; the endpoint now fails, and the last good keys stay.
      server.removeContext("/jwks");
      NOW.addAndGet(31_000);
      try {
        Verification failed = verifier.verify(TestKeys.rs256(rsa, "k3", valid()), List.of());
        assertThat(failed.pending()).isNotNull();
        assertThat(failed.pending().get().problem()).isEqualTo(TokenProblem.UNKNOWN_KEY);
        assertThat(
                problemOf(verifier, TestKeys.rs256(rsaNew, "k2", claims(ISS, NOW.get()).build())))
            .isNull();
      } finally {
        NOW.addAndGet(-31_000);
      }
    } finally {
      server.stop(0);
    }
  }

  private static String jwks(KeyPair pair, String kid) {
    return new JWKSet(
            new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .keyID(kid)
                .algorithm(JWSAlgorithm.RS256)
                .build())
        .toString();
  }

  @Test
  void withTheCacheOffEveryRequestIsVerifiedInFull() throws Exception {
    JwtConfig config =
        config(
            List.of(new JwtKey("rsa-old", JwtAlgorithm.RS256, TestKeys.pem(rsa.getPublic()), null)),
            null);
    JwtVerifier cached = JwtVerifier.build(config, registry(), NOW::get, 100);
    JwtVerifier uncached = JwtVerifier.build(config, registry(), NOW::get, 0);
    String token = TestKeys.rs256(rsa, "rsa-old", valid());

    for (int i = 0; i < 3; i++) {
      assertThat(cached.verify(token, List.of()).problem()).isNull();
      assertThat(uncached.verify(token, List.of()).problem()).isNull();
    }
    assertThat(cached.cachedTokens()).isEqualTo(1);
    assertThat(uncached.cachedTokens()).isZero();
    // Without the cache a forged token is still refused on every attempt.
    String forged = token.substring(0, token.length() - 4) + "AAAA";
    assertThat(problemOf(uncached, forged)).isNotNull();
    assertThat(problemOf(uncached, forged)).isNotNull();
  }

  @Test
  void cacheKeyDependsOnTheSignature() {
    assertThat(JwtVerifier.cacheKey("a.b.sig1")).isNotEqualTo(JwtVerifier.cacheKey("a.b.sig2"));
  }
}
