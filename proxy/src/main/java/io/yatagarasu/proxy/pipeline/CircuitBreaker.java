package io.yatagarasu.proxy.pipeline;

import io.yatagarasu.config.CircuitBreakerConfig;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one upstream endpoint. Closed, it counts failures in a fixed window and
 * opens when their share reaches the threshold; open, it refuses at once until {@code openDuration}
 * has passed; half-open, it lets a few probes through and closes when they all succeed or opens
 * again at the first failure. Every permit granted must be answered with {@link #onSuccess}, {@link
 * #onFailure} or {@link #onAbandoned}.
 */
public final class CircuitBreaker {
  /** The breaker's state, with its value for the state gauge. */
  public enum State {
    CLOSED(0),
    HALF_OPEN(1),
    OPEN(2);

    private final int code;

    State(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private final CircuitBreakerConfig settings;
  private final LongSupplier clock;
  private State state = State.CLOSED;
  private long windowStart;
  private int requests;
  private int failures;
  private long openUntil;
  private int probesInFlight;
  private int probeSuccesses;

  CircuitBreaker(CircuitBreakerConfig settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.clock = nanoClock;
    this.windowStart = nanoClock.getAsLong();
  }

  public synchronized State state() {
    if (state == State.OPEN && clock.getAsLong() >= openUntil) {
      return State.HALF_OPEN;
    }
    return state;
  }

  /** Whether a request may go to the endpoint now. */
  public synchronized boolean tryAcquire() {
    long now = clock.getAsLong();
    if (state == State.OPEN) {
      if (now < openUntil) {
        return false;
      }
      state = State.HALF_OPEN;
      probesInFlight = 0;
      probeSuccesses = 0;
    }
    if (state == State.HALF_OPEN) {
      if (probesInFlight + probeSuccesses >= settings.halfOpenProbes()) {
        return false;
      }
      probesInFlight++;
    }
    return true;
  }

  /** Nanoseconds until an open breaker lets a probe through (0 when it is not open). */
  public synchronized long retryAfterNanos() {
    return state == State.OPEN ? Math.max(0, openUntil - clock.getAsLong()) : 0;
  }

  public synchronized void onSuccess() {
    if (state == State.HALF_OPEN) {
      probesInFlight = Math.max(0, probesInFlight - 1);
      if (++probeSuccesses >= settings.halfOpenProbes()) {
        state = State.CLOSED;
        resetWindow(clock.getAsLong());
      }
      return;
    }
    record(false);
  }

  public synchronized void onFailure() {
    long now = clock.getAsLong();
    if (state == State.HALF_OPEN) {
      open(now);
      return;
    }
    if (state == State.OPEN) {
      return;
    }
    record(true);
  }

  /** A permit whose request ended without telling anything about the endpoint. */
  public synchronized void onAbandoned() {
    if (state == State.HALF_OPEN) {
      probesInFlight = Math.max(0, probesInFlight - 1);
    }
  }

  private void record(boolean failure) {
    long now = clock.getAsLong();
    if (now - windowStart >= settings.window().toNanos()) {
      resetWindow(now);
    }
    requests++;
    if (failure) {
      failures++;
    }
    if (requests >= settings.minimumRequests()
        && failures * 100L >= (long) settings.failureRatePercent() * requests) {
      open(now);
    }
  }

  private void open(long now) {
    state = State.OPEN;
    openUntil = now + settings.openDuration().toNanos();
    probesInFlight = 0;
    probeSuccesses = 0;
  }

  private void resetWindow(long now) {
    windowStart = now;
    requests = 0;
    failures = 0;
  }
}
