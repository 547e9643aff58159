package io.yatagarasu.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSIX signal hooks of the standalone proxy. */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code action} on SIGTERM and SIGINT instead of the JVM's immediate shutdown, on a thread
   * of its own (the action may take the whole grace period).
   */
  @SuppressWarnings("restriction")
  static void onTerminate(Runnable action) {
    java.util.concurrent.atomic.AtomicBoolean started =
        new java.util.concurrent.atomic.AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              if (started.compareAndSet(false, true)) {
                new Thread(action, "yatagarasu-graceful-shutdown").start();
              }
            });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.warn("SIG{} cannot be handled here; the JVM's default shutdown applies", name);
      }
    }
  }

  /** Runs {@code action} on SIGHUP, where the platform has it. */
  @SuppressWarnings("restriction")
  static void onHangup(Runnable action) {
    try {
      if (sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run())
          == sun.misc.SignalHandler.SIG_IGN) {
        // A JVM started with SIGHUP ignored (nohup) keeps ignoring it.
        LOG.warn(
            "SIGHUP is ignored by this process (started with nohup?); the file watch still"
                + " reloads the configuration");
      }
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("SIGHUP is not available here; the file watch still reloads the configuration");
    }
  }
}
