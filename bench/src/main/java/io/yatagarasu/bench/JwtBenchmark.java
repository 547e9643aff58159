package io.yatagarasu.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ClaimOperator;
import io.yatagarasu.config.ClaimRule;
import io.yatagarasu.config.JwtAlgorithm;
import io.yatagarasu.config.JwtConfig;
import io.yatagarasu.config.JwtIssuer;
import io.yatagarasu.config.JwtKey;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.TokenSource;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.auth.JwtVerifier;
import io.yatagarasu.proxy.auth.Verification;
import io.yatagarasu.proxy.auth.VerifiedToken;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Token verification as the proxy does it per request: uncached (signature, issuer, audience,
 * times) for HS256, RS256 (2048-bit) and ES256, the same tokens from the verified-token cache, and
 * a bucket's claim rules on a verified token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JwtBenchmark {
  private static final String ISS = "https://login.example.com";
  private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";

  private ScheduledExecutorService scheduler;
  private JwtVerifier verifier;
  private BucketPolicy policy;
  private VerifiedToken verified;
  private String hs256;
  private String rs256;
  private String es256;

  @Setup
  public void setUp() throws Exception {
    KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
    rsaGenerator.initialize(2048);
    KeyPair rsa = rsaGenerator.generateKeyPair();
    KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
    ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = ecGenerator.generateKeyPair();
    JwtConfig config =
        new JwtConfig(
            List.of(
                new JwtIssuer(
                    "corp",
                    ISS,
                    List.of("assets-api"),
                    null,
                    List.of(
                        new JwtKey("hs", JwtAlgorithm.HS256, null, SECRET),
                        new JwtKey("rs", JwtAlgorithm.RS256, pem(rsa.getPublic()), null),
                        new JwtKey("es", JwtAlgorithm.ES256, pem(ec.getPublic()), null)),
                    Duration.ofMinutes(10))),
            Duration.ofSeconds(30),
            List.of(TokenSource.bearerHeader()));
    scheduler = Executors.newSingleThreadScheduledExecutor();
    verifier =
        JwtVerifier.build(
            config,
            new JwksRegistry(scheduler, scheduler, System::currentTimeMillis),
            System::currentTimeMillis);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISS)
            .subject("user-1")
            .audience("assets-api")
            .expirationTime(new Date(System.currentTimeMillis() + 3_600_000))
            .claim("groups", List.of("finance", "ops"))
            .claim("tenant", "acme")
            .claim("scope", "reports.read reports.list")
            .claim("org", java.util.Map.of("level", 4))
            .build();
    hs256 =
        sign(
            JWSAlgorithm.HS256,
            "hs",
            new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)),
            claims);
    rs256 = sign(JWSAlgorithm.RS256, "rs", new RSASSASigner(rsa.getPrivate()), claims);
    es256 = sign(JWSAlgorithm.ES256, "es", new ECDSASigner((ECPrivateKey) ec.getPrivate()), claims);
    for (String token : List.of(hs256, rs256, es256)) {
      Verification v = verifier.verify(token, List.of());
      if (v.problem() != null) {
        throw new IllegalStateException("benchmark token refused: " + v.problem());
      }
      verified = v.token();
    }
    policy =
        BucketPolicy.of(
            new BucketConfig(
                "reports",
                "/reports",
                new S3Target("reports", "eu-west-1", null, false, "", null),
                new AuthConfig(
                    AuthType.JWT,
                    List.of("corp"),
                    List.of(
                        new ClaimRule("groups", ClaimOperator.CONTAINS, List.of("finance")),
                        new ClaimRule("tenant", ClaimOperator.EQUALS, List.of("acme")),
                        new ClaimRule("scope", ClaimOperator.CONTAINS_ALL, List.of("reports.read")),
                        new ClaimRule("org.level", ClaimOperator.GTE, List.of("3"))),
                    null)));
    if (policy.check(verified, "/reports/x") != BucketPolicy.Decision.ALLOW) {
      throw new IllegalStateException("benchmark claims refused");
    }
  }

  @TearDown
  public void tearDown() {
    scheduler.shutdownNow();
  }

  private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Benchmark
  public Verification hs256Uncached() {
    return verifier.verifyUncached(hs256, List.of());
  }

  @Benchmark
  public Verification rs256Uncached() {
    return verifier.verifyUncached(rs256, List.of());
  }

  @Benchmark
  public Verification es256Uncached() {
    return verifier.verifyUncached(es256, List.of());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Verification hs256Cached() {
    return verifier.verify(hs256, List.of());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Verification rs256Cached() {
    return verifier.verify(rs256, List.of());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Verification es256Cached() {
    return verifier.verify(es256, List.of());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public BucketPolicy.Decision claimsCheck() {
    return policy.check(verified, "/reports/2026/q3.csv");
  }
}
