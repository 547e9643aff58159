package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart ships the repository's CRDs unchanged (crds/ is generated from the Java types). */
class ChartCrdsTest {
  private static final Path CHART_CRDS = RepoPaths.CHART.resolve("files/crds");

  @TempDir Path work;

  @Test
  void chartCrdFilesAreByteForByteTheRepositoryCrds() throws IOException {
    assertThat(names(CHART_CRDS))
        .as("cp crds/*.yaml charts/yatagarasu/files/crds/")
        .isEqualTo(names(RepoPaths.CRDS));
    for (String name : names(RepoPaths.CRDS)) {
      assertThat(Files.readString(CHART_CRDS.resolve(name)))
          .as(
              "charts/yatagarasu/files/crds/"
                  + name
                  + " differs from crds/"
                  + name
                  + ": cp crds/*.yaml charts/yatagarasu/files/crds/")
          .isEqualTo(Files.readString(RepoPaths.CRDS.resolve(name)));
    }
  }

  @Test
  void renderedCrdsEqualTheRepositoryCrdsApartFromLabelsAndKeep() throws IOException {
    List<CustomResourceDefinition> rendered =
        ChartTest.all(ChartRenderer.render("", work), CustomResourceDefinition.class);
    assertThat(rendered).hasSize(names(RepoPaths.CRDS).size());
    for (CustomResourceDefinition crd : rendered) {
      Path source = RepoPaths.CRDS.resolve(crd.getMetadata().getName() + ".yaml");
      HasMetadata original = StrictModel.parseAll(Files.readString(source)).get(0);
      assertThat(crd.getMetadata().getAnnotations())
          .containsEntry("helm.sh/resource-policy", "keep");
      assertThat(crd.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/instance", ChartRenderer.RELEASE);
      crd.getMetadata().setLabels(original.getMetadata().getLabels());
      crd.getMetadata().setAnnotations(original.getMetadata().getAnnotations());
      assertThat(crd).isEqualTo(original);
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
