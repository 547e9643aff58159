package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final CircuitBreaker breaker =
      new CircuitBreaker(
          new CircuitBreakerConfig(50, 4, Duration.ofSeconds(10), Duration.ofSeconds(5), 2),
          now::get);

  private void fail() {
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
  }

  private void succeed() {
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
  }

  @Test
  void staysClosedBelowTheMinimumNumberOfRequests() {
    fail();
    fail();
    fail();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void opensAtTheFailureRateAndFailsFast() {
    succeed();
    succeed();
    fail();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    fail();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.retryAfterNanos()).isEqualTo(5_000_000_000L);
  }

  @Test
  void probesWhenHalfOpenAndClosesAfterEnoughSuccesses() {
    for (int i = 0; i < 4; i++) {
      fail();
    }
    now.addAndGet(5_000_000_000L);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).as("only two probes at once").isFalse();
    breaker.onSuccess();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeOpensAgain() {
    for (int i = 0; i < 4; i++) {
      fail();
    }
    now.addAndGet(5_000_000_000L);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
  }

  @Test
  void anAbandonedProbeFreesItsPlace() {
    for (int i = 0; i < 4; i++) {
      fail();
    }
    now.addAndGet(5_000_000_000L);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onAbandoned();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void failuresInAnOldWindowDoNotCount() {
    fail();
    fail();
    fail();
    now.addAndGet(11_000_000_000L);
    succeed();
    fail();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
