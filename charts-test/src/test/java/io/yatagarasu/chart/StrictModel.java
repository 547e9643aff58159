package io.yatagarasu.chart;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.operator.crd.ReadTolerantly;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Parses rendered manifests into fabric8 model classes and fails on anything the models do not
 * know: an unknown kind, or a field that lands in some object's {@code additionalProperties} (a
 * misspelt or misplaced key that the API server would drop or reject).
 */
final class StrictModel {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  // The operator's own kinds have no additionalProperties: their specs record what they skipped.
  private static final ObjectMapper CUSTOM_RESOURCES =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private StrictModel() {}

  /** Every non-empty document of a multi-document YAML stream, each parsed strictly. */
  static List<HasMetadata> parseAll(String yaml) {
    List<HasMetadata> result = new ArrayList<>();
    try {
      for (JsonNode document :
          YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll()) {
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        result.add(parse(document));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }

  static HasMetadata parse(JsonNode document) {
    String kind = document.path("kind").asText();
    String apiVersion = document.path("apiVersion").asText();
    String where = kind + " " + document.path("metadata").path("name").asText();
    Object parsed;
    try {
      if (apiVersion.startsWith("yatagarasu.io/")) {
        Class<? extends HasMetadata> type =
            kind.equals("S3ProxyBucket") ? S3ProxyBucket.class : S3ProxyConfig.class;
        parsed = CUSTOM_RESOURCES.treeToValue(document, type);
      } else {
        parsed = SERIALIZATION.unmarshal(document.toString(), KubernetesResource.class);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new AssertionError(where + ": does not parse: " + e.getMessage(), e);
    }
    if (parsed instanceof GenericKubernetesResource || !(parsed instanceof HasMetadata)) {
      throw new AssertionError(where + ": " + apiVersion + " " + kind + " is not a known model");
    }
    List<String> unknown = new ArrayList<>();
    if (parsed instanceof CustomResource<?, ?> resource
        && resource.getSpec() instanceof ReadTolerantly spec) {
      // The operator reads its own kinds tolerantly (version skew); what it skipped is recorded.
      spec.reading().unknownFields().forEach(field -> unknown.add(where + ": " + field));
      spec.reading().unreadable().forEach(field -> unknown.add(where + ": " + field));
    }
    collectUnknownFields(parsed, where, unknown, 0);
    if (!unknown.isEmpty()) {
      throw new AssertionError("unknown fields: " + String.join(", ", unknown));
    }
    return (HasMetadata) parsed;
  }

  private static void collectUnknownFields(Object value, String path, List<String> out, int depth) {
    if (value == null || depth > 40) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", out, depth + 1);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        collectUnknownFields(entry.getValue(), path + "." + entry.getKey(), out, depth + 1);
      }
      return;
    }
    if (!isModel(value.getClass())) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String name = getter.getName().substring(3);
      if (name.equals("AdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(key -> out.add(path + "." + key));
        }
      } else {
        collectUnknownFields(child, path + "." + decapitalize(name), out, depth + 1);
      }
    }
  }

  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return (name.startsWith("io.fabric8.") && !name.startsWith("io.fabric8.kubernetes.client."))
        || name.startsWith("io.yatagarasu.operator.crd.");
  }

  private static String decapitalize(String name) {
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
