package io.yatagarasu.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.operator.distribute.FleetProgress;
import io.yatagarasu.operator.distribute.PodAnswer;
import io.yatagarasu.operator.distribute.PodTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetConditionsTest {
  private static final String HASH =
      "3f1c0a9b8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d";

  private static List<Condition> conditions(long accepted, long rejected) {
    PodTarget pod = new PodTarget("edge-a", "u/1", "10.0.0.1", 9090, true);
    PodAnswer ack = new PodAnswer(PodAnswer.Result.APPLIED, 7, HASH, List.of(), 7);
    return FleetConditions.of(
        new FleetConditions.Inputs(
            "media/edge",
            "edge-config",
            7,
            HASH,
            List.of(),
            1,
            1,
            accepted,
            rejected,
            false,
            new FleetProgress(7, List.of(new FleetProgress.PodProgress(pod, ack, true)))));
  }

  private static String message(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow()
        .getMessage();
  }

  @Test
  void oneBucketIsCountedInTheSingular() {
    List<Condition> conditions = conditions(1, 1);
    assertThat(message(conditions, "Programmed"))
        .isEqualTo("1/1 ready pods at generation 7 (hash 3f1c0a9b8e7d, 1 bucket)");
    assertThat(message(conditions, "Degraded"))
        .startsWith("1 of 2 buckets referencing this fleet is not in the snapshot;");
  }

  @Test
  void severalBucketsAreCountedInThePlural() {
    List<Condition> conditions = conditions(12, 2);
    assertThat(message(conditions, "Programmed"))
        .isEqualTo("1/1 ready pods at generation 7 (hash 3f1c0a9b8e7d, 12 buckets)");
    assertThat(message(conditions, "Degraded"))
        .startsWith("2 of 14 buckets referencing this fleet are not in the snapshot;");
  }
}
