package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {
  private static final long MS = 1_000_000L;

  @Test
  void aFloodWithinOneSecondLogsAtMostTheBudget() {
    AuthFailures.Window window = new AuthFailures.Window();
    List<Long> logged = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      long result = window.admit(10_000 * MS + i * 100_000L);
      if (result >= 0) {
        logged.add(result);
      }
    }
    assertThat(logged).hasSize(AuthFailures.LINES_PER_SECOND).containsOnly(0L);
  }

  @Test
  void theFirstLineOfTheNextSecondCountsWhatWasLeftOut() {
    AuthFailures.Window window = new AuthFailures.Window();
    for (int i = 0; i < 100; i++) {
      window.admit(i * MS);
    }
    assertThat(window.admit(1000 * MS)).isEqualTo(100 - AuthFailures.LINES_PER_SECOND);
    assertThat(window.admit(1001 * MS)).isZero();
  }
}
