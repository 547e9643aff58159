package io.yatagarasu.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
  @Test
  void emptyEnvironmentWatchesEveryNamespaceWithoutLeaderElection() {
    OperatorSettings settings = OperatorSettings.fromEnvironment(Map.of());
    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.defaultImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
    assertThat(settings.leaseNamespace()).isNull();
    assertThat(settings.httpPort()).isEqualTo(8081);
  }

  @Test
  void readsNamespacesImageLeaseAndPort() {
    OperatorSettings settings =
        OperatorSettings.fromEnvironment(
            Map.of(
                OperatorSettings.WATCH_NAMESPACES, " team-a, team-b ,,",
                OperatorSettings.PROXY_IMAGE, "registry.example/proxy:1.2",
                OperatorSettings.LEASE_NAMESPACE, "yatagarasu-system",
                OperatorSettings.HTTP_PORT, "9400"));
    assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(settings.defaultImage()).isEqualTo("registry.example/proxy:1.2");
    assertThat(settings.leaseNamespace()).isEqualTo("yatagarasu-system");
    assertThat(settings.leaseName()).isEqualTo("yatagarasu-operator");
    assertThat(settings.httpPort()).isEqualTo(9400);
  }

  @Test
  void refusesAPortThatIsNotANumberNamingTheVariable() {
    assertThatThrownBy(
            () -> OperatorSettings.fromEnvironment(Map.of(OperatorSettings.HTTP_PORT, "http")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("YATAGARASU_HTTP_PORT: \"http\" is not a port (expected: 0..65535)");
  }
}
