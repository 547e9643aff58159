package io.yatagarasu.operator.distribute;

/** What the distributor measures. */
public interface PushMetrics {
  PushMetrics NONE =
      new PushMetrics() {
        @Override
        public void pushed(PodAnswer.Result result, long nanos) {}

        @Override
        public void programmed(long nanosSinceChange) {}
      };

  /** One push ended with {@code result} after {@code nanos}. */
  void pushed(PodAnswer.Result result, long nanos);

  /**
   * Every ready pod of a fleet runs a new generation, {@code nanosSinceChange} after it was seen.
   */
  void programmed(long nanosSinceChange);
}
