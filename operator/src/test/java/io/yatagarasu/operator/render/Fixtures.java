package io.yatagarasu.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.yatagarasu.operator.crd.S3ProxyBucket;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the objects of a multi-document YAML file into the renderer's inputs. */
record Fixtures(
    S3ProxyConfig proxy,
    List<S3ProxyBucket> buckets,
    List<Secret> secrets,
    Map<String, Map<String, String>> namespaceLabels) {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern KIND = Pattern.compile("(?m)^kind:\\s*(\\S+)\\s*$");

  static Fixtures parse(String yaml) {
    S3ProxyConfig proxy = null;
    List<S3ProxyBucket> buckets = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    Map<String, Map<String, String>> namespaces = new HashMap<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      Matcher kind = KIND.matcher(document);
      if (!kind.find()) {
        continue;
      }
      switch (kind.group(1)) {
        case "S3ProxyConfig" -> proxy = read(document, S3ProxyConfig.class);
        case "S3ProxyBucket" -> buckets.add(read(document, S3ProxyBucket.class));
        case "Secret" -> secrets.add(read(document, Secret.class));
        case "Namespace" -> {
          Namespace namespace = read(document, Namespace.class);
          namespaces.put(
              namespace.getMetadata().getName(),
              namespace.getMetadata().getLabels() == null
                  ? Map.of()
                  : namespace.getMetadata().getLabels());
        }
        default -> throw new IllegalArgumentException("unexpected kind " + kind.group(1));
      }
    }
    return new Fixtures(proxy, buckets, secrets, namespaces);
  }

  static <T extends HasMetadata> T read(String document, Class<T> type) {
    return SERIALIZATION.unmarshal(document, type);
  }

  RenderResult render() {
    return ConfigRenderer.render(proxy, buckets, secrets, namespaceLabels);
  }
}
