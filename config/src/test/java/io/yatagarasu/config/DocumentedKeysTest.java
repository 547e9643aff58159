package io.yatagarasu.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the configuration records cannot drift: every key the reference
 * documents exists in a document written from the records, and every key such a document has is
 * documented (a documented key also covers the keys below it, as {@code tls} covers {@code
 * tls.http2}).
 */
class DocumentedKeysTest {
  private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
  private static final Pattern SECTION = Pattern.compile("^## `([A-Za-z\\[\\]]+)`.*");
  private static final Pattern ROW = Pattern.compile("^\\| ([^|]+) \\|.*");
  private static final Pattern KEY = Pattern.compile("`([A-Za-z0-9.\\[\\]]+)`");

  /** A configuration with every optional part present. */
  private static final String EVERYTHING =
      """
      generation: 3
      server:
        trustedProxies: [10.0.0.0/8]
        requestHeaderTimeout: 5s
        maxConcurrentRequests: 5
        drainDelay: 1s
        shutdownGracePeriod: 2s
        tls: { certificateFile: /c, privateKeyFile: /k, http2: false, provider: jdk }
      admin: { tokenFile: /t, maxBodyBytes: 2048 }
      upstream:
        bodyIdleTimeout: 5s
        idleConnectionTimeout: 60s
        retry: { maxAttempts: 2, baseDelay: 5ms, maxDelay: 9ms, budgetPercent: 5 }
        circuitBreaker: { failureRatePercent: 5, minimumRequests: 5, window: 5s, openDuration: 5s, halfOpenProbes: 5 }
      jwt:
        issuers:
          - name: corp
            issuer: x
            audiences: [a]
            jwksUrl: https://idp/jwks
            keys: [{ kid: k, algorithm: HS256, secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa }]
            jwksRefreshInterval: 1m
        clockSkew: 1s
        tokenSources: [{ query: t }]
      rateLimits:
        global: { requestsPerSecond: 1, burst: 1 }
        perClientIp: { requestsPerSecond: 1, burst: 1 }
        perSubject: { requestsPerSecond: 1, burst: 1 }
        maxTrackedKeys: 5
      cache: { enabled: true, maxSize: 64MiB }
      tracing:
        enabled: true
        endpoint: http://collector:4318/v1/traces
        samplingRatio: 0.5
        serviceName: s
        resourceAttributes: { team: t }
      buckets:
        - name: b
          pathPrefix: /b
          s3:
            bucket: bucket-b
            region: r
            endpoint: "http://h:1"
            keyPrefix: p/
            credentials: { accessKeyId: a, secretAccessKey: s, sessionToken: t }
            replicas: [{ bucket: bucket-c, region: r }]
          auth:
            type: jwt
            issuers: [corp]
            claims: [{ claim: c, operator: equals, value: v }]
            pathClaim: { claim: c, template: "/b/{claim}/" }
          ipAllow: [10.0.0.0/8]
          ipDeny: [10.0.0.1]
          rateLimit: { requestsPerSecond: 1, burst: 1 }
          upstream: { responseTimeout: 9s }
          cors: { allowedOrigins: ["*"], maxAge: 1m }
          cache: { ttl: 5m, maxObjectSize: 1MiB, staleIfError: 1h, notFoundTtl: 10s, warm: [a.txt] }
      """;

  @Test
  void everyDocumentedKeyExistsAndEveryKeyIsDocumented() throws Exception {
    List<String> documented = documentedKeys();
    TreeSet<String> written = new TreeSet<>();
    ProxyConfig config =
        new ConfigParser(Environment.of(Map.of())).parseYamlDocument(EVERYTHING).config();
    JsonNode tree =
        new ObjectMapper()
            .readTree(
                ConfigWriter.toJson(new ConfigDocument(config, java.util.OptionalLong.of(3))));
    flatten("", tree, written);

    List<String> undocumented = new ArrayList<>();
    for (String path : written) {
      if (documented.stream().noneMatch(key -> covers(key, path))) {
        undocumented.add(path);
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String key : documented) {
      if (written.stream().noneMatch(path -> covers(key, path))) {
        unknown.add(key);
      }
    }
    assertThat(undocumented).as("keys missing from docs/configuration.md").isEmpty();
    assertThat(unknown).as("documented keys the records do not have").isEmpty();
  }

  private static boolean covers(String key, String path) {
    return path.equals(key) || path.startsWith(key + ".") || path.startsWith(key + "[]");
  }

  private static List<String> documentedKeys() throws Exception {
    List<String> keys = new ArrayList<>();
    String section = null;
    for (String line : Files.readAllLines(REFERENCE)) {
      Matcher heading = SECTION.matcher(line);
      if (heading.matches()) {
        section = heading.group(1);
        if (section.equals("generation")) {
          keys.add("generation");
        }
        continue;
      }
      if (line.startsWith("## ")) {
        section = null;
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (section != null && row.matches()) {
        Matcher key = KEY.matcher(row.group(1));
        while (key.find()) {
          keys.add(section + "." + key.group(1));
        }
      }
    }
    return keys;
  }

  private static void flatten(String prefix, JsonNode node, TreeSet<String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
        flatten(path, field.getValue(), out);
      }
    } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
      flatten(prefix + "[]", node.get(0), out);
    } else {
      out.add(prefix);
    }
  }
}
