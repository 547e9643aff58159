package io.yatagarasu.operator.crd;

/**
 * A spec that remembers what reading it found ({@link SpecReading}), so that an object written for
 * a newer operator is reported and judged instead of stopping the informer that reads it.
 */
public interface ReadTolerantly {
  SpecReading reading();

  void reading(SpecReading reading);
}
