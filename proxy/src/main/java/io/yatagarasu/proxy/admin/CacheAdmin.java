package io.yatagarasu.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.yatagarasu.proxy.cache.ObjectCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cache part of the admin API: {@code GET /admin/cache} (what the cache holds and how often it
 * answered) and {@code POST /admin/cache/purge} (drop entries by bucket, key and prefix). Both
 * answer JSON; a malformed purge gets {@code 400} naming the field.
 */
final class CacheAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("bucket", "keys", "prefixes", "all");

  private CacheAdmin() {}

  /** The answer of {@code GET /admin/cache}. */
  static FullHttpResponse describe(ObjectCache cache) {
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
    return AdminHandler.json(HttpResponseStatus.OK, answer);
  }

  /** A purge request, checked. */
  record Purge(String bucket, List<String> keys, List<String> prefixes, boolean all) {}

  /**
   * Reads a purge body; throws {@link IllegalArgumentException} with one message per problem
   * ({@code keys[0]: must be a string}), joined by newlines.
   */
  static Purge parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body: not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("body: must be a JSON object");
    }
    List<String> errors = new ArrayList<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(name + ": unknown field (expected: bucket, keys, prefixes, all)");
      }
    }
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
}
