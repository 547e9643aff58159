package io.yatagarasu.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operator may read and which namespaces the admin-port NetworkPolicy covers, per scope:
 * the narrower options values.yaml and docs/security.md offer, and the quick start's values.
 */
class ChartScopeTest {
  @TempDir Path work;

  private static boolean grantsSecrets(List<PolicyRule> rules) {
    return rules.stream()
        .anyMatch(
            r ->
                (r.getApiGroups().contains("") || r.getApiGroups().contains("*"))
                    && (r.getResources().contains("secrets") || r.getResources().contains("*")));
  }

  private static List<String> namespacesOf(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getNamespace()).toList();
  }

  @Test
  void clusterScopeClusterRoleReadsSecretsEverywhere() {
    List<HasMetadata> objects = ChartRenderer.render("", work);
    assertThat(ChartTest.all(objects, ClusterRole.class))
        .anyMatch(role -> grantsSecrets(role.getRules()));
  }

  @Test
  void namespacedScopeGrantsSecretsOnlyInTheWatchedNamespaces() {
    List<HasMetadata> objects =
        ChartRenderer.render("scope: namespaced\nwatchNamespaces: [team-a, team-b]\n", work);
    assertThat(ChartTest.all(objects, ClusterRole.class))
        .noneMatch(role -> grantsSecrets(role.getRules()));
    assertThat(
            namespacesOf(
                ChartTest.all(objects, Role.class).stream()
                    .filter(role -> grantsSecrets(role.getRules()))
                    .toList()))
        .containsExactlyInAnyOrder("team-a", "team-b");
  }

  @Test
  void networkPolicyFollowsTheWatchedNamespacesInNamespacedScope() {
    List<HasMetadata> listed =
        ChartRenderer.render(
            "scope: namespaced\nwatchNamespaces: [team-a, team-b]\nnetworkPolicy: {enabled: true}\n",
            work);
    assertThat(namespacesOf(ChartTest.all(listed, NetworkPolicy.class)))
        .containsExactlyInAnyOrder("team-a", "team-b");

    List<HasMetadata> releaseOnly =
        ChartRenderer.render("scope: namespaced\nnetworkPolicy: {enabled: true}\n", work);
    assertThat(namespacesOf(ChartTest.all(releaseOnly, NetworkPolicy.class)))
        .containsExactly(ChartRenderer.NAMESPACE);
  }

  @Test
  void networkPolicyInClusterScopeCoversTheReleaseNamespaceUnlessFleetNamespacesAreListed() {
    assertThat(
            namespacesOf(
                ChartTest.all(
                    ChartRenderer.render("networkPolicy: {enabled: true}\n", work),
                    NetworkPolicy.class)))
        .containsExactly(ChartRenderer.NAMESPACE);
    assertThat(
            namespacesOf(
                ChartTest.all(
                    ChartRenderer.render(
                        "networkPolicy: {enabled: true, namespaces: [shop, media]}\n", work),
                    NetworkPolicy.class)))
        .containsExactly("shop", "media");
  }

  @Test
  void installNotesWarnAboutClusterWideSecretsAndUnprotectedFleetNamespaces() throws Exception {
    Path values = work.resolve("notes-values.yaml");
    Files.writeString(values, "networkPolicy: {enabled: true}\n");
    String notes =
        new Helm(RepoPaths.CHART)
            .install()
            .withName(ChartRenderer.RELEASE)
            .withNamespace(ChartRenderer.NAMESPACE)
            .withKubeVersion(ChartRenderer.KUBE_VERSION)
            .withValuesFile(values)
            .clientOnly()
            .dryRun()
            .call()
            .getOutput();
    assertThat(notes)
        .contains("can read every Secret in the cluster", "--set scope=namespaced")
        .contains("NetworkPolicy exists only in: " + ChartRenderer.NAMESPACE)
        .contains("Fleets in other namespaces are not protected");
  }

  @Test
  void quickstartValuesRunTheLocalImagesWithNamespacedRbac() {
    String overlay = RepoPaths.read(RepoPaths.ROOT.resolve("examples/quickstart/values.yaml"));
    assertThat(ChartRenderer.lint(overlay, work).isFailed()).isFalse();
    List<HasMetadata> objects = ChartRenderer.render(overlay, work);
    Deployment operator = ChartTest.one(objects, Deployment.class);
    assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
    var container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("yatagarasu-operator:quickstart");
    assertThat(container.getEnv())
        .filteredOn(e -> e.getName().equals("YATAGARASU_PROXY_IMAGE"))
        .extracting(EnvVar::getValue)
        .containsExactly("yatagarasu-proxy:quickstart");
    assertThat(ChartTest.all(objects, ClusterRole.class))
        .noneMatch(role -> grantsSecrets(role.getRules()));
  }
}
