package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every 401 and 403 says why on the {@code yatagarasu.auth} logger and in {@code
 * yatagarasu_auth_failures_total}: no token, a malformed or expired token, a wrong audience or
 * issuer, a failed claim rule by its name, an IP rule. The token never appears; a flood of bad
 * tokens is counted in full but logged at a bounded rate.
 */
class AuthFailureLogIT {
  private static final String ISS = "https://idp.example.test";
  private static final String SECRET = "hs256-auth-failure-secret-0123456789abcdef";
  private static final int LINES_PER_SECOND = 5;
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static S3ProxyServer store;
  private static ProxyServer proxy;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger("yatagarasu.auth")).addAppender(LOGS);
    store = S3ProxyServer.start("key", "secret-0123456789");
    store.createBucket("files");
    store.putObject("files", "a.txt", "a".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    String yaml =
        """
        server: { listen: 127.0.0.1:0 }
        admin: { listen: 127.0.0.1:0 }
        logging: { accessLog: false }
        jwt:
          issuers:
            - { name: corp, issuer: %s, audiences: [assets-api], keys: [ { algorithm: HS256, secret: %s } ] }
        buckets:
          - name: finance
            pathPrefix: /finance
            s3: { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: key, secretAccessKey: secret-0123456789 } }
            auth:
              type: jwt
              issuers: [corp]
              claims: [ { claim: groups, operator: contains, value: finance } ]
          - name: walled
            pathPrefix: /walled
            ipDeny: [127.0.0.1/32]
            s3: { bucket: files, region: us-east-1, endpoint: "http://127.0.0.1:%d", credentials: { accessKeyId: key, secretAccessKey: secret-0123456789 } }
            auth: { type: public }
        """
            .formatted(ISS, SECRET, store.port(), store.port());
    proxy = ProxyServer.start(new ConfigParser(Environment.of(Map.of())).parseYaml(yaml));
    base = "http://127.0.0.1:" + proxy.dataAddress().getPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("yatagarasu.auth")).detachAppender(LOGS);
    proxy.close();
    store.close();
  }

  @BeforeEach
  void clearLogs() {
    LOGS.list.clear();
  }

  private static String token(String issuer, String audience, long expiresInSeconds, String group)
      throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("user-1")
            .expirationTime(new Date(System.currentTimeMillis() + expiresInSeconds * 1000))
            .claim("groups", List.of(group))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  private static int get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<String> lines() {
    return LOGS.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static double counter(String bucket, String reason) {
    Matcher m =
        Pattern.compile(
                "yatagarasu_auth_failures_total\\{bucket=\""
                    + bucket
                    + "\",reason=\""
                    + reason
                    + "\"\\} ([0-9.E]+)")
            .matcher(proxy.metrics().scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void everyRefusalLogsWhichCheckFailedAndNeverTheToken() throws Exception {
    String expired = token(ISS, "assets-api", -3600, "finance");
    String wrongAudience = token(ISS, "other-api", 3600, "finance");
    String wrongIssuer = token("https://evil.example", "assets-api", 3600, "finance");
    String notInGroup = token(ISS, "assets-api", 3600, "sales");
    String malformed = "not-a-jwt-but-still-a-secret";

    assertThat(get("/finance/a.txt", null)).isEqualTo(401);
    assertThat(get("/finance/a.txt", malformed)).isEqualTo(401);
    assertThat(get("/finance/a.txt", expired)).isEqualTo(401);
    assertThat(get("/finance/a.txt", wrongAudience)).isEqualTo(401);
    assertThat(get("/finance/a.txt", wrongIssuer)).isEqualTo(401);
    assertThat(get("/finance/a.txt", notInGroup)).isEqualTo(403);
    assertThat(get("/walled/a.txt", null)).isEqualTo(403);
    assertThat(get("/finance/a.txt", token(ISS, "assets-api", 3600, "finance"))).isEqualTo(200);

    List<String> lines = lines();
    assertThat(lines).anyMatch(l -> l.contains("bucket=finance reason=missing"));
    assertThat(lines).anyMatch(l -> l.contains("bucket=finance reason=malformed"));
    assertThat(lines).anyMatch(l -> l.contains("bucket=finance reason=expired"));
    assertThat(lines).anyMatch(l -> l.contains("bucket=finance reason=audience"));
    assertThat(lines).anyMatch(l -> l.contains("bucket=finance reason=issuer"));
    assertThat(lines).anyMatch(l -> l.contains("bucket=finance reason=claims rule=groups"));
    assertThat(lines).anyMatch(l -> l.contains("bucket=walled reason=address_denied"));
    assertThat(lines).hasSize(7);
    for (String secret :
        List.of(expired, wrongAudience, wrongIssuer, notInGroup, malformed, SECRET)) {
      assertThat(String.join("\n", lines)).doesNotContain(secret);
      assertThat(proxy.metrics().scrape()).doesNotContain(secret);
    }
    assertThat(counter("finance", "expired")).isGreaterThanOrEqualTo(1);
    assertThat(counter("finance", "claims")).isGreaterThanOrEqualTo(1);
    assertThat(counter("walled", "address_denied")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aFloodOfBadTokensIsCountedInFullButLoggedAtABoundedRate() throws Exception {
    double before = counter("finance", "signature");
    String forged =
        token(ISS, "assets-api", 3600, "finance").replaceAll("\\.[^.]+$", ".AAAAAAAAAAAAAAAA");
    int flood = 200;
    long started = System.nanoTime();
    for (int i = 0; i < flood; i++) {
      assertThat(get("/finance/a.txt", forged)).isEqualTo(401);
    }
    // Not a latency bound: however long the flood took, each second allows so many lines.
    long seconds = (System.nanoTime() - started) / 1_000_000_000L + 2;
    assertThat(counter("finance", "signature") - before).isEqualTo(flood);
    List<String> lines = lines().stream().filter(l -> l.contains("reason=signature")).toList();
    assertThat(lines)
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo((int) Math.min(flood, seconds * LINES_PER_SECOND));
    assertThat(String.join("\n", lines)).doesNotContain(forged);
  }
}
