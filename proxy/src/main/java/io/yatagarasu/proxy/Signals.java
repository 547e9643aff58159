package io.yatagarasu.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSIX signal hooks of the standalone proxy. */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /** Runs {@code action} on SIGHUP, where the platform has it. */
  @SuppressWarnings("restriction")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warn("SIGHUP is not available here; the file watch still reloads the configuration");
    }
  }
}
