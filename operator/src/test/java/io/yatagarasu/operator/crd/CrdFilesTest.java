package io.yatagarasu.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs under {@code crds/} are generated from the Java types. This test generates them into
 * {@code target/crds} and fails when the committed files differ. To regenerate:
 *
 * <pre>
 * ./mvnw -B -pl operator test -Dtest=CrdFilesTest -Dyatagarasu.crds.update=true
 * </pre>
 */
class CrdFilesTest {
  static final Path COMMITTED =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).resolve("crds");
  private static final Path GENERATED = Path.of("target", "crds");
  private static final String HEADER =
      "# Generated from the Java types in operator/src/main/java/io/yatagarasu/operator/crd by"
          + " fabric8 crd-generator.\n"
          + "# Do not edit: run ./mvnw -B -pl operator test -Dtest=CrdFilesTest"
          + " -Dyatagarasu.crds.update=true\n";

  @Test
  void committedCrdsMatchTheJavaTypes() throws IOException {
    Map<String, String> generated = generate();
    if (Boolean.getBoolean("yatagarasu.crds.update")) {
      Files.createDirectories(COMMITTED);
      try (Stream<Path> old = Files.list(COMMITTED)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
      for (var entry : generated.entrySet()) {
        Files.writeString(COMMITTED.resolve(entry.getKey()), entry.getValue());
      }
    }
    assertThat(read(COMMITTED))
        .as(
            "crds/ differs from the CRDs generated from the Java types; regenerate with"
                + " ./mvnw -B -pl operator test -Dtest=CrdFilesTest -Dyatagarasu.crds.update=true")
        .isEqualTo(generated);
  }

  @Test
  void bothKindsAreNamespacedWithShortNamesAndCelRules() throws IOException {
    Map<String, String> generated = generate();
    assertThat(generated)
        .containsOnlyKeys("s3proxybuckets.yatagarasu.io.yaml", "s3proxyconfigs.yatagarasu.io.yaml");
    assertThat(generated.get("s3proxyconfigs.yatagarasu.io.yaml"))
        .contains("scope: Namespaced", "- s3pc", "x-kubernetes-validations", "status: {}");
    // Long messages are folded over several YAML lines.
    assertThat(generated.get("s3proxyconfigs.yatagarasu.io.yaml").replaceAll("\\n\\s+", " "))
        .contains(
            "set replicas or autoscaling, not both",
            "autoscaling.maxReplicas must be at least autoscaling.minReplicas",
            "autoscaling.targetCPUUtilizationPercentage needs resources.requests.cpu",
            "securityContext.privileged: true breaks the restricted Pod Security Standard",
            "securityContext.allowPrivilegeEscalation: true breaks the restricted Pod Security",
            "podSecurityContext.runAsNonRoot: false breaks the restricted Pod Security Standard",
            "the restricted Pod Security Standard allows only",
            "the restricted Pod Security Standard refuses Unconfined");
    assertThat(generated.get("s3proxybuckets.yatagarasu.io.yaml"))
        .contains("scope: Namespaced", "- s3pb", "set exactly one of secretRef or podIdentity");
  }

  @Test
  void theBucketListShowsWhetherEachBucketIsServedAndWhyNot() throws IOException {
    CustomResourceDefinition crd =
        new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
            .unmarshal(
                Files.readString(COMMITTED.resolve("s3proxybuckets.yatagarasu.io.yaml")),
                CustomResourceDefinition.class);
    List<String> shown =
        crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns().stream()
            .filter(c -> c.getPriority() == null || c.getPriority() == 0)
            .map(c -> c.getName() + "=" + c.getJsonPath())
            .toList();
    // A bucket whose Secret is missing is Accepted but not served: the default columns say so.
    assertThat(shown)
        .contains(
            "Programmed=.status.conditions[?(@.type==\"Programmed\")].status",
            "Reason=.status.conditions[?(@.type==\"Programmed\")].reason")
        .noneMatch(c -> c.startsWith("Accepted="));
  }

  static Map<String, String> generate() throws IOException {
    Files.createDirectories(GENERATED);
    new CRDGenerator()
        .customResourceClasses(S3ProxyConfig.class, S3ProxyBucket.class)
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withMinQuotes(true)
        .withPostProcessor(
            new CRDPostProcessor() {
              @Override
              public HasMetadata process(HasMetadata crd, String specVersion) {
                return columnsInDeclarationOrder(crd);
              }
            })
        .inOutputDir(GENERATED.toFile())
        .generate();
    Map<String, String> files = new TreeMap<>();
    for (String crd :
        new String[] {"s3proxyconfigs.yatagarasu.io", "s3proxybuckets.yatagarasu.io"}) {
      String text =
          Files.readString(
              GENERATED.resolve(CRDGenerator.getOutputName(crd, "v1") + ".yml"),
              StandardCharsets.UTF_8);
      files.put(crd + ".yaml", HEADER + text);
    }
    return files;
  }

  // kubectl shows printer columns in CRD order; the generator does not keep the declared order.
  private static HasMetadata columnsInDeclarationOrder(HasMetadata crd) {
    CustomResourceDefinition definition = (CustomResourceDefinition) crd;
    Class<?> kind =
        definition.getSpec().getNames().getKind().equals("S3ProxyConfig")
            ? S3ProxyConfig.class
            : S3ProxyBucket.class;
    List<String> order =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns =
          new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
      version.setAdditionalPrinterColumns(columns);
    }
    return crd;
  }

  private static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path file : list.toList()) {
        files.put(file.getFileName().toString(), Files.readString(file));
      }
    }
    return files;
  }
}
