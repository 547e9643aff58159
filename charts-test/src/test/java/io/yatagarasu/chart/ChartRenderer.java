package io.yatagarasu.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the chart through Helm (helm-java: a native Helm library inside the jar, no network) with a
 * values overlay: {@code helm lint --strict} on a copy of the chart whose values.yaml carries the
 * overlay (lint takes no values file), and {@code helm template} with the overlay as a values file.
 */
final class ChartRenderer {
  static final String RELEASE = "yatagarasu";
  static final String NAMESPACE = "yatagarasu-system";
  // helm template assumes Kubernetes 1.20 unless told; the chart needs 1.25 or newer.
  static final String KUBE_VERSION = "1.32.0";
  private static final ObjectMapper YAML = new YAMLMapper();

  private ChartRenderer() {}

  /** The rendered manifest of {@code helm template} with the overlay (YAML; empty for defaults). */
  static String template(String overlay, Path work) {
    return template(RepoPaths.CHART, overlay, work);
  }

  private static String template(Path chart, String overlay, Path work) {
    Path values = writeOverlay(overlay, work);
    return new Helm(chart)
        .template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)
        .withValuesFile(values)
        .call();
  }

  /**
   * Every rendered document, parsed strictly, hooks included: helm template leaves hooks out of the
   * manifest it returns, so this renders a copy of the chart whose hook annotations are removed.
   */
  static List<HasMetadata> render(String overlay, Path work) {
    Path copy = work.resolve("unhooked-" + Integer.toHexString(overlay.hashCode()));
    if (!Files.exists(copy)) {
      copyTree(RepoPaths.CHART, copy);
      try (Stream<Path> templates = Files.list(copy.resolve("templates"))) {
        for (Path template : templates.toList()) {
          String text = Files.readString(template);
          Files.writeString(template, text.replaceAll("(?m)^\\s*helm\\.sh/hook.*\\n", ""));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return StrictModel.parseAll(template(copy, overlay, work));
  }

  /**
   * Every rendered document of a copy of the chart whose appVersion is {@code appVersion}, as the
   * release workflow's {@code helm package --app-version} writes it.
   */
  static List<HasMetadata> renderWithAppVersion(String appVersion, String overlay, Path work) {
    Path copy =
        work.resolve("app-version-" + appVersion + "-" + Integer.toHexString(overlay.hashCode()));
    copyTree(RepoPaths.CHART, copy);
    try {
      Path chartFile = copy.resolve("Chart.yaml");
      String text = Files.readString(chartFile);
      String changed =
          text.replaceFirst("(?m)^appVersion: .*$", "appVersion: \"" + appVersion + "\"");
      if (changed.equals(text)) {
        throw new IllegalStateException("Chart.yaml has no appVersion line");
      }
      Files.writeString(chartFile, changed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return StrictModel.parseAll(template(copy, overlay, work));
  }

  /** {@code helm lint --strict} of the chart with the overlay merged into its values.yaml. */
  static LintResult lint(String overlay, Path work) {
    Path copy = work.resolve("chart-" + Integer.toHexString(overlay.hashCode()));
    copyTree(RepoPaths.CHART, copy);
    try {
      Map<String, Object> merged =
          readMap(Files.readString(RepoPaths.CHART.resolve("values.yaml")));
      deepMerge(merged, readMap(overlay));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Helm(copy).lint().strict().call();
  }

  private static Path writeOverlay(String overlay, Path work) {
    try {
      Path file = Files.createTempFile(work, "values-", ".yaml");
      Files.writeString(file, overlay.isBlank() ? "{}\n" : overlay);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readMap(String yaml) throws IOException {
    if (yaml.isBlank()) {
      return new LinkedHashMap<>();
    }
    Map<String, Object> map = YAML.readValue(yaml, LinkedHashMap.class);
    return map == null ? new LinkedHashMap<>() : map;
  }

  @SuppressWarnings("unchecked")
  private static void deepMerge(Map<String, Object> target, Map<String, Object> overlay) {
    overlay.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> child && target.get(key) instanceof Map<?, ?> existing) {
            deepMerge((Map<String, Object>) existing, (Map<String, Object>) child);
          } else {
            target.put(key, value);
          }
        });
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
