package io.yatagarasu.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.yatagarasu.operator.OperatorHarness;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.crd.ServiceAccountSettings;
import io.yatagarasu.operator.render.Labels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which ServiceAccount a fleet's pods run as, and when they mount its token. */
class FleetServiceAccountTest {
  private static final String ROLE = "eks.amazonaws.com/role-arn";

  private static S3ProxyConfig fleet(ServiceAccountSettings account) {
    S3ProxyConfig fleet = OperatorHarness.fleet("shop", "edge", 2);
    fleet.getSpec().setServiceAccount(account);
    return fleet;
  }

  private static PodSpec pods(S3ProxyConfig fleet, boolean usesPodIdentity) {
    return new DeploymentDependentResource("example.org/proxy:1")
        .desired(fleet, usesPodIdentity)
        .getSpec()
        .getTemplate()
        .getSpec();
  }

  @Test
  void podsRunAsTheFleetsOwnAccountNeverTheNamespaceDefault() {
    S3ProxyConfig fleet = fleet(null);
    assertThat(ServiceAccountDependentResource.wanted(fleet)).isTrue();
    assertThat(pods(fleet, false).getServiceAccountName()).isEqualTo("edge-proxy");
    ServiceAccount account = new ServiceAccountDependentResource().desired(fleet, null);
    assertThat(account.getMetadata().getName()).isEqualTo("edge-proxy");
    assertThat(account.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(account.getMetadata().getLabels())
        .containsEntry(Labels.COMPONENT, FleetNames.SERVICE_ACCOUNT);
  }

  @Test
  void ownedAccountCarriesTheSpecAnnotations() {
    ServiceAccountSettings settings = new ServiceAccountSettings();
    settings.setAnnotations(Map.of(ROLE, "arn:aws:iam::111122223333:role/edge-reader"));
    ServiceAccount account = new ServiceAccountDependentResource().desired(fleet(settings), null);
    assertThat(account.getMetadata().getAnnotations())
        .containsEntry(ROLE, "arn:aws:iam::111122223333:role/edge-reader")
        .containsEntry(ServiceAccountDependentResource.SPEC_ANNOTATIONS, ROLE);
  }

  @Test
  void namedAccountIsUsedAndNoneIsCreated() {
    ServiceAccountSettings settings = new ServiceAccountSettings();
    settings.setName("storage-reader");
    S3ProxyConfig fleet = fleet(settings);
    assertThat(ServiceAccountDependentResource.wanted(fleet)).isFalse();
    assertThat(pods(fleet, true).getServiceAccountName()).isEqualTo("storage-reader");
  }

  @Test
  void tokenIsMountedOnlyWhenABucketUsesPodIdentity() {
    assertThat(pods(fleet(null), false).getAutomountServiceAccountToken()).isFalse();
    assertThat(pods(fleet(null), true).getAutomountServiceAccountToken()).isTrue();
  }

  @Test
  void explicitAutomountWinsOverTheBuckets() {
    ServiceAccountSettings off = new ServiceAccountSettings();
    off.setAutomountToken(false);
    assertThat(pods(fleet(off), true).getAutomountServiceAccountToken()).isFalse();
    ServiceAccountSettings on = new ServiceAccountSettings();
    on.setAutomountToken(true);
    assertThat(pods(fleet(on), false).getAutomountServiceAccountToken()).isTrue();
  }
}
