package io.yatagarasu.operator.render;

import java.util.Objects;

/** The outcome of one check: whether it passed, the reason and a message a user can act on. */
public record Verdict(boolean ok, Reason reason, String message) {
  public Verdict {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  public static Verdict pass(Reason reason, String message) {
    return new Verdict(true, reason, message);
  }

  public static Verdict fail(Reason reason, String message) {
    return new Verdict(false, reason, message);
  }
}
