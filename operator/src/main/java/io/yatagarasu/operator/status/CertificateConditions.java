package io.yatagarasu.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.operator.crd.S3ProxyConfigStatus.PodCertificate;
import io.yatagarasu.operator.crd.S3ProxyConfigStatus.TlsStatus;
import io.yatagarasu.operator.distribute.CertificateAnswer;
import io.yatagarasu.operator.distribute.CertificateProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code CertificateCurrent} condition and {@code status.tls.pods}: whether every ready pod
 * serves the certificate the fleet gives them (by each pod's own report), naming the pods that do
 * not. A pure function of what the pods answered.
 */
public final class CertificateConditions {
  public static final String CERTIFICATE_CURRENT = "CertificateCurrent";

  /** Pods named in a message at most; the rest are counted. */
  private static final int NAMED = 10;

  private CertificateConditions() {}

  /** {@code status.tls} with what the pods serve, and the condition. */
  public record Outcome(TlsStatus tls, Condition condition) {}

  /**
   * @param given the certificate the pods are given (secret, serial, notAfter), not null
   * @param pods what each ready pod answered so far
   */
  public static Outcome of(TlsStatus given, List<CertificateProbe.PodCertificate> pods) {
    String expected = given.getSerialNumber();
    List<PodCertificate> list = new ArrayList<>();
    List<String> other = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    int current = 0;
    for (CertificateProbe.PodCertificate pod : pods) {
      CertificateAnswer answer = pod.answer();
      if (answer == null) {
        list.add(new PodCertificate(pod.pod(), null, null, false, "not answered yet"));
        unknown.add(pod.pod() + " (not answered yet)");
      } else if (answer.result() != CertificateAnswer.Result.REPORTED) {
        list.add(new PodCertificate(pod.pod(), null, null, false, answer.problem()));
        unknown.add(pod.pod() + " (" + answer.problem() + ")");
      } else {
        boolean same = answer.serialNumber().equalsIgnoreCase(expected);
        list.add(
            new PodCertificate(pod.pod(), answer.serialNumber(), answer.notAfter(), same, null));
        if (same) {
          current++;
        } else {
          other.add(
              pod.pod()
                  + " (serial "
                  + answer.serialNumber()
                  + (answer.notAfter() == null ? "" : ", notAfter " + answer.notAfter())
                  + ")");
        }
      }
    }
    TlsStatus tls = new TlsStatus(given.getSecretName(), expected, given.getNotAfter());
    tls.setCurrentPods(current);
    tls.setPods(list);
    String certificate =
        "serial "
            + expected
            + (given.getNotAfter() == null ? "" : ", notAfter " + given.getNotAfter());
    Condition condition;
    if (pods.isEmpty()) {
      condition =
          Conditions.of(
              CERTIFICATE_CURRENT,
              Conditions.UNKNOWN,
              "NoReadyPods",
              "no ready pod to ask which certificate it serves; the pods are given " + certificate);
    } else if (other.isEmpty() && unknown.isEmpty()) {
      condition =
          Conditions.of(
              CERTIFICATE_CURRENT,
              Conditions.TRUE,
              "AllPodsCurrent",
              (pods.size() == 1
                      ? "the ready pod serves "
                      : "all " + pods.size() + " ready pods serve ")
                  + certificate);
    } else {
      StringBuilder message = new StringBuilder();
      message
          .append(current)
          .append(" of ")
          .append(pods.size())
          .append(" ready pods serve ")
          .append(certificate);
      if (!other.isEmpty()) {
        message.append("; still on another certificate: ").append(named(other));
      }
      if (!unknown.isEmpty()) {
        message.append("; not reported: ").append(named(unknown));
      }
      if (!other.isEmpty()) {
        message.append(
            "; the kubelet refreshes the mounted Secret within a minute or two and the proxy then"
                + " reloads it, the operator asks again until every pod serves it");
      }
      condition =
          Conditions.of(
              CERTIFICATE_CURRENT,
              other.isEmpty() ? Conditions.UNKNOWN : Conditions.FALSE,
              other.isEmpty() ? "PodsNotReporting" : "PodsOnOldCertificate",
              message.toString());
    }
    return new Outcome(tls, condition);
  }

  /**
   * Right after an operator start (or when a pod turns ready) the pods have not answered yet; a
   * fleet whose status already describes the certificate it is given keeps that status until they
   * answer, instead of flapping to Unknown meanwhile. A pod that answered something else, or could
   * not be reached, is reported at once.
   *
   * @param computed what {@link #of} made of the answers so far
   * @param pods those answers
   * @param previousTls {@code status.tls} as stored, or null
   * @param previous the stored {@code CertificateCurrent} condition, or null
   */
  public static Outcome keepUntilPodsAnswer(
      Outcome computed,
      List<CertificateProbe.PodCertificate> pods,
      TlsStatus previousTls,
      Condition previous) {
    boolean awaitingOnly =
        pods.stream().anyMatch(p -> p.answer() == null)
            && pods.stream()
                .allMatch(
                    p ->
                        p.answer() == null
                            || (p.answer().result() == CertificateAnswer.Result.REPORTED
                                && p.answer()
                                    .serialNumber()
                                    .equalsIgnoreCase(computed.tls().getSerialNumber())));
    if (!awaitingOnly
        || previous == null
        || previousTls == null
        || previousTls.getSerialNumber() == null
        || !previousTls.getSerialNumber().equalsIgnoreCase(computed.tls().getSerialNumber())
        || !java.util.Objects.equals(previousTls.getNotAfter(), computed.tls().getNotAfter())) {
      return computed;
    }
    return new Outcome(
        previousTls,
        Conditions.of(
            CERTIFICATE_CURRENT,
            previous.getStatus(),
            previous.getReason(),
            previous.getMessage()));
  }

  private static String named(List<String> pods) {
    String shown = String.join(", ", pods.subList(0, Math.min(NAMED, pods.size())));
    return pods.size() > NAMED ? shown + " and " + (pods.size() - NAMED) + " more" : shown;
  }
}
