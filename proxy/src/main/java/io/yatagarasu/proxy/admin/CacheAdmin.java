package io.yatagarasu.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.yatagarasu.config.BucketCacheConfig;
import io.yatagarasu.proxy.cache.ObjectCache;
import io.yatagarasu.proxy.pipeline.CacheWarmer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The cache part of the admin API: {@code GET /admin/cache} (what the cache holds and how often it
 * answered), {@code POST /admin/cache/purge} (drop entries by bucket, key and prefix) and {@code
 * POST /admin/cache/warm} (fetch keys of a bucket into the cache). All answer JSON; a malformed
 * body gets {@code 400} naming the field.
 */
final class CacheAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("bucket", "keys", "prefixes", "all");
  private static final Set<String> WARM_FIELDS = Set.of("bucket", "keys");

  private CacheAdmin() {}

  /** The answer of {@code GET /admin/cache}, with the warm's progress when there is a warmer. */
  static FullHttpResponse describe(ObjectCache cache, CacheWarmer warmer) {
    ObjectCache.Snapshot s = cache.snapshot();
    ObjectNode answer = JSON.createObjectNode();
    answer.put("enabled", s.enabled());
    answer.put("maxSize", s.maxSize());
    answer.put("bytes", s.bytes());
    answer.put("entries", s.entries());
    answer.put("hitRatio", Math.round(s.hitRatio() * 10_000) / 10_000.0);
    ObjectNode buckets = answer.putObject("buckets");
    for (Map.Entry<String, ObjectCache.BucketSnapshot> b : s.buckets().entrySet()) {
      ObjectCache.BucketSnapshot v = b.getValue();
      buckets
          .putObject(b.getKey())
          .put("entries", v.entries())
          .put("bytes", v.bytes())
          .put("hits", v.hits())
          .put("misses", v.misses());
    }
    if (warmer != null) {
      int[] state = warmer.state();
      answer.putObject("warm").put("queued", state[0]).put("fetching", state[1]);
    }
    return AdminHandler.json(HttpResponseStatus.OK, answer);
  }

  /** A purge request, checked. */
  record Purge(String bucket, List<String> keys, List<String> prefixes, boolean all) {}

  /**
   * Reads a purge body; throws {@link IllegalArgumentException} with one message per problem
   * ({@code keys[0]: must be a string}), joined by newlines.
   */
  static Purge parse(String body) {
    JsonNode root = object(body);
    List<String> errors = unknownFields(root, FIELDS, "bucket, keys, prefixes, all");
    String bucket = null;
    JsonNode b = root.get("bucket");
    if (b != null && !b.isNull()) {
      if (!b.isTextual() || b.asText().isEmpty()) {
        errors.add("bucket: must be a non-empty string");
      } else {
        bucket = b.asText();
      }
    }
    List<String> keys = strings(root, "keys", errors);
    List<String> prefixes = strings(root, "prefixes", errors);
    boolean all = false;
    JsonNode a = root.get("all");
    if (a != null && !a.isNull()) {
      if (!a.isBoolean()) {
        errors.add("all: must be true or false");
      } else {
        all = a.asBoolean();
      }
    }
    boolean named = root.hasNonNull("keys") || root.hasNonNull("prefixes");
    if (errors.isEmpty()) {
      if (all && named) {
        errors.add("all: cannot be combined with keys or prefixes");
      } else if (!all && keys.isEmpty() && prefixes.isEmpty()) {
        errors.add("body: name keys, prefixes, or all: true");
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors));
    }
    return new Purge(bucket, keys, prefixes, all);
  }

  private static List<String> strings(JsonNode root, String field, List<String> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      errors.add(field + ": must be an array of strings");
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String where = field + "[" + i + "]";
      if (!item.isTextual()) {
        errors.add(where + ": must be a string");
      } else if (item.asText().isEmpty()) {
        errors.add(where + ": must not be empty");
      } else if (item.asText().startsWith("/")) {
        errors.add(where + ": must not start with / (keys are relative to the bucket's prefix)");
      } else {
        values.add(item.asText());
      }
    }
    return values;
  }

  /** Runs a purge and renders its answer. */
  static FullHttpResponse purge(ObjectCache cache, String body) {
    Purge purge;
    try {
      purge = parse(body);
    } catch (IllegalArgumentException e) {
      return AdminHandler.rejected(
          HttpResponseStatus.BAD_REQUEST, List.of(e.getMessage().split("\n")), List.of());
    }
    if (!cache.enabled()) {
      return purged(0);
    }
    try {
      return purged(cache.purge(purge.bucket(), purge.keys(), purge.prefixes(), purge.all()));
    } catch (ObjectCache.UnknownBucketException e) {
      ObjectNode answer =
          JSON.createObjectNode().put("status", "unknown-bucket").put("bucket", e.bucket());
      return AdminHandler.json(HttpResponseStatus.NOT_FOUND, answer);
    }
  }

  private static FullHttpResponse purged(int n) {
    return AdminHandler.json(
        HttpResponseStatus.OK, JSON.createObjectNode().put("status", "purged").put("purged", n));
  }

  /** A warm request, checked. */
  record Warm(String bucket, List<String> keys) {}

  /** Reads a warm body; throws {@link IllegalArgumentException} with one message per problem. */
  static Warm parseWarm(String body) {
    JsonNode root = object(body);
    List<String> errors = unknownFields(root, WARM_FIELDS, "bucket, keys");
    JsonNode b = root.get("bucket");
    String bucket = null;
    if (b == null || b.isNull()) {
      errors.add("bucket: is required");
    } else if (!b.isTextual() || b.asText().isEmpty()) {
      errors.add("bucket: must be a non-empty string");
    } else {
      bucket = b.asText();
    }
    JsonNode k = root.get("keys");
    List<String> keys = new ArrayList<>();
    if (k == null || k.isNull()) {
      errors.add("keys: is required");
    } else if (!k.isArray()) {
      errors.add("keys: must be an array of strings");
    } else if (k.isEmpty()) {
      errors.add("keys: must name at least one key");
    } else if (k.size() > BucketCacheConfig.MAX_WARM_KEYS) {
      errors.add(
          "keys: "
              + k.size()
              + " keys (expected: at most "
              + BucketCacheConfig.MAX_WARM_KEYS
              + ")");
    } else {
      Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < k.size(); i++) {
        JsonNode item = k.get(i);
        String problem =
            !item.isTextual() ? "must be a string" : BucketCacheConfig.keyProblem(item.asText());
        if (problem != null) {
          errors.add("keys[" + i + "]: " + problem);
        } else if (seen.add(item.asText())) {
          keys.add(item.asText());
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors));
    }
    return new Warm(bucket, keys);
  }

  /** Runs a warm; the answer comes once every key has been dealt with. */
  static CompletableFuture<FullHttpResponse> warm(CacheWarmer warmer, String body) {
    Warm warm;
    try {
      warm = parseWarm(body);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          AdminHandler.rejected(
              HttpResponseStatus.BAD_REQUEST, List.of(e.getMessage().split("\n")), List.of()));
    }
    if (warmer == null) {
      return CompletableFuture.completedFuture(
          AdminHandler.rejected(
              HttpResponseStatus.CONFLICT, List.of("bucket: the object cache is off"), List.of()));
    }
    try {
      return warmer
          .warm(warm.bucket(), warm.keys())
          .thenApply(
              c ->
                  AdminHandler.json(
                      HttpResponseStatus.OK,
                      JSON.createObjectNode()
                          .put("status", "warmed")
                          .put("filled", c.filled())
                          .put("fresh", c.fresh())
                          .put("skipped", c.skipped())
                          .put("failed", c.failed())));
    } catch (ObjectCache.UnknownBucketException e) {
      ObjectNode answer =
          JSON.createObjectNode().put("status", "unknown-bucket").put("bucket", e.bucket());
      return CompletableFuture.completedFuture(
          AdminHandler.json(HttpResponseStatus.NOT_FOUND, answer));
    } catch (CacheWarmer.NotCachedException e) {
      return CompletableFuture.completedFuture(
          AdminHandler.rejected(
              HttpResponseStatus.CONFLICT, List.of("bucket: " + e.getMessage()), List.of()));
    }
  }

  /** The body as a JSON object, or {@link IllegalArgumentException} saying why it is not one. */
  private static JsonNode object(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body: not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("body: must be a JSON object");
    }
    return root;
  }

  /** One error per field of {@code root} not in {@code allowed}, naming the expected ones. */
  private static List<String> unknownFields(JsonNode root, Set<String> allowed, String expected) {
    List<String> errors = new ArrayList<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        errors.add(name + ": unknown field (expected: " + expected + ")");
      }
    }
    return errors;
  }
}
