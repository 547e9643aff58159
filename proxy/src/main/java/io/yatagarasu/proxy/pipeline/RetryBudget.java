package io.yatagarasu.proxy.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps retries to a share of requests: every request deposits {@code percent} hundredths of a
 * retry, every retry withdraws a whole one. A small reserve lets a quiet proxy retry its first
 * failures; the balance is capped, so a long calm does not pay for a storm.
 */
public final class RetryBudget {
  private static final long RETRY = 100;
  private static final long RESERVE = 10 * RETRY;
  private static final long CAP = 20 * RETRY;
  private final AtomicLong balance = new AtomicLong(RESERVE);

  /** A request that may need retries arrived. */
  public void deposit(int percent) {
    if (percent > 0) {
      balance.getAndUpdate(b -> Math.min(CAP, b + percent));
    }
  }

  /** Takes one retry from the budget; false when it is spent. */
  public boolean tryWithdraw() {
    for (; ; ) {
      long b = balance.get();
      if (b < RETRY) {
        return false;
      }
      if (balance.compareAndSet(b, b - RETRY)) {
        return true;
      }
    }
  }
}
