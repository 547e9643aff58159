package io.yatagarasu.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.operator.crd.S3ProxyConfigStatus.TlsStatus;
import io.yatagarasu.operator.distribute.CertificateAnswer;
import io.yatagarasu.operator.distribute.CertificateProbe.PodCertificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateConditionsTest {
  private static final TlsStatus GIVEN = new TlsStatus("edge-tls", "bb02", "2027-03-01T00:00:00Z");

  private static PodCertificate serving(String pod, String serial) {
    return new PodCertificate(
        pod,
        new CertificateAnswer(
            CertificateAnswer.Result.REPORTED,
            serial,
            "2027-0" + serial.length() + "-01T00:00:00Z",
            null));
  }

  private static String verdict(CertificateConditions.Outcome outcome) {
    return outcome.condition().getStatus() + " " + outcome.condition().getReason();
  }

  @Test
  void isTrueWhenEveryReadyPodServesTheGivenCertificate() {
    var outcome =
        CertificateConditions.of(
            GIVEN, List.of(serving("edge-a", "bb02"), serving("edge-b", "BB02")));
    assertThat(verdict(outcome)).isEqualTo("True AllPodsCurrent");
    assertThat(outcome.condition().getType()).isEqualTo("CertificateCurrent");
    assertThat(outcome.condition().getMessage())
        .isEqualTo("all 2 ready pods serve serial bb02, notAfter 2027-03-01T00:00:00Z");
    assertThat(outcome.tls().getCurrentPods()).isEqualTo(2);
    assertThat(outcome.tls().getSecretName()).isEqualTo("edge-tls");
    assertThat(outcome.tls().getSerialNumber()).isEqualTo("bb02");
    assertThat(outcome.tls().getPods())
        .extracting(PodCertificateStatusView::of)
        .containsExactly("edge-a bb02 current", "edge-b BB02 current");
  }

  @Test
  void isFalseNamingThePodsStillOnAnotherCertificate() {
    var outcome =
        CertificateConditions.of(
            GIVEN,
            List.of(serving("edge-a", "bb02"), serving("edge-b", "aa1"), serving("edge-c", "aa1")));
    assertThat(verdict(outcome)).isEqualTo("False PodsOnOldCertificate");
    assertThat(outcome.condition().getMessage())
        .startsWith("1 of 3 ready pods serve serial bb02, notAfter 2027-03-01T00:00:00Z;")
        .contains(
            "still on another certificate: edge-b (serial aa1, notAfter 2027-03-01T00:00:00Z),"
                + " edge-c (serial aa1")
        .contains("the operator asks again until every pod serves it");
    assertThat(outcome.tls().getCurrentPods()).isEqualTo(1);
    assertThat(outcome.tls().getPods())
        .extracting(PodCertificateStatusView::of)
        .containsExactly("edge-a bb02 current", "edge-b aa1 old", "edge-c aa1 old");
  }

  @Test
  void isUnknownWhilePodsHaveNotReportedAndNamesWhy() {
    var outcome =
        CertificateConditions.of(
            GIVEN,
            List.of(
                serving("edge-a", "bb02"),
                new PodCertificate("edge-b", null),
                new PodCertificate(
                    "edge-c",
                    new CertificateAnswer(
                        CertificateAnswer.Result.UNREACHABLE, null, null, "connection refused"))));
    assertThat(verdict(outcome)).isEqualTo("Unknown PodsNotReporting");
    assertThat(outcome.condition().getMessage())
        .isEqualTo(
            "1 of 3 ready pods serve serial bb02, notAfter 2027-03-01T00:00:00Z; not reported:"
                + " edge-b (not answered yet), edge-c (connection refused)");
    assertThat(outcome.tls().getPods().get(2).getMessage()).isEqualTo("connection refused");
    assertThat(outcome.tls().getPods().get(2).isCurrent()).isFalse();
  }

  @Test
  void aPodOnAnOldCertificateOutweighsPodsThatHaveNotReported() {
    var outcome =
        CertificateConditions.of(
            GIVEN, List.of(serving("edge-a", "aa1"), new PodCertificate("edge-b", null)));
    assertThat(verdict(outcome)).isEqualTo("False PodsOnOldCertificate");
    assertThat(outcome.condition().getMessage())
        .contains("still on another certificate: edge-a", "not reported: edge-b");
  }

  @Test
  void isUnknownWithoutReadyPods() {
    var outcome = CertificateConditions.of(GIVEN, List.of());
    assertThat(verdict(outcome)).isEqualTo("Unknown NoReadyPods");
    assertThat(outcome.tls().getCurrentPods()).isZero();
    assertThat(outcome.tls().getPods()).isEmpty();
  }

  @Test
  void namesTenPodsAtMostAndCountsTheRest() {
    List<PodCertificate> pods = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      pods.add(serving("edge-" + (char) ('a' + i), "aa1"));
    }
    var outcome = CertificateConditions.of(GIVEN, pods);
    assertThat(outcome.condition().getMessage())
        .contains("edge-j (serial aa1")
        .doesNotContain("edge-k")
        .contains(" and 15 more");
    assertThat(outcome.tls().getPods()).hasSize(25);
  }

  @Test
  void keepsTheStoredStatusWhilePodsHaveNotAnsweredYet() {
    var stored = CertificateConditions.of(GIVEN, List.of(serving("edge-a", "bb02")));
    List<PodCertificate> afterRestart = List.of(new PodCertificate("edge-a", null));
    var kept =
        CertificateConditions.keepUntilPodsAnswer(
            CertificateConditions.of(GIVEN, afterRestart),
            afterRestart,
            stored.tls(),
            stored.condition());
    assertThat(verdict(kept)).isEqualTo("True AllPodsCurrent");
    assertThat(kept.tls()).isEqualTo(stored.tls());
  }

  @Test
  void reportsAtOnceWhenAPodAnsweredAnotherCertificateOrTheGivenOneChanged() {
    var stored = CertificateConditions.of(GIVEN, List.of(serving("edge-a", "bb02")));
    List<PodCertificate> pods =
        List.of(serving("edge-a", "aa1"), new PodCertificate("edge-b", null));
    var computed = CertificateConditions.of(GIVEN, pods);
    assertThat(
            verdict(
                CertificateConditions.keepUntilPodsAnswer(
                    computed, pods, stored.tls(), stored.condition())))
        .isEqualTo("False PodsOnOldCertificate");

    TlsStatus renewed = new TlsStatus("edge-tls", "cc03", "2027-06-01T00:00:00Z");
    List<PodCertificate> waiting = List.of(new PodCertificate("edge-a", null));
    assertThat(
            verdict(
                CertificateConditions.keepUntilPodsAnswer(
                    CertificateConditions.of(renewed, waiting),
                    waiting,
                    stored.tls(),
                    stored.condition())))
        .isEqualTo("Unknown PodsNotReporting");
  }

  /** One line per pod: name, serial, current or old. */
  private static final class PodCertificateStatusView {
    static String of(io.yatagarasu.operator.crd.S3ProxyConfigStatus.PodCertificate pod) {
      return pod.getName()
          + " "
          + pod.getSerialNumber()
          + " "
          + (pod.isCurrent() ? "current" : "old");
    }
  }
}
