package io.yatagarasu.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events about a purge ({@code kubectl describe s3purge} shows them). Events are
 * best effort: a failed write is logged and never fails the reconcile.
 */
final class PurgeEvents {
  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";
  private static final String COMPONENT = "yatagarasu-operator";
  private static final int MAX_MESSAGE = 1024;
  private static final Logger log = LoggerFactory.getLogger(PurgeEvents.class);

  private final Clock clock;

  PurgeEvents(Clock clock) {
    this.clock = clock;
  }

  void record(
      KubernetesClient client, HasMetadata about, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String text = message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE);
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(about.getMetadata().getNamespace())
            .withName(
                about.getMetadata().getName()
                    + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)
                        .toLowerCase(Locale.ROOT))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(about.getApiVersion())
            .withKind(about.getKind())
            .withNamespace(about.getMetadata().getNamespace())
            .withName(about.getMetadata().getName())
            .withUid(about.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(text)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      log.warn(
          "event not written object={}/{} reason={} error={}",
          about.getMetadata().getNamespace(),
          about.getMetadata().getName(),
          reason,
          e.getMessage());
    }
  }
}
