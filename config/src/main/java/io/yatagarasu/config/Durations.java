package io.yatagarasu.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the document: a whole number and a unit ({@code 250ms}, {@code 2s},
 * {@code 5m}, {@code 1h}, {@code 1d}), or several from the largest unit down ({@code 1m30s}).
 */
public final class Durations {
  private record Unit(String suffix, Duration length) {}

  // From the largest unit down: parsing requires this order, formatting picks the first exact one.
  private static final List<Unit> UNITS =
      List.of(
          new Unit("d", Duration.ofDays(1)),
          new Unit("h", Duration.ofHours(1)),
          new Unit("m", Duration.ofMinutes(1)),
          new Unit("s", Duration.ofSeconds(1)),
          new Unit("ms", Duration.ofMillis(1)));
  private static final Pattern PART = Pattern.compile("([0-9]{1,18})(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses a duration such as {@code 250ms} or {@code 1m30s}; {@code 0s} is allowed.
   *
   * @throws IllegalArgumentException {@code "10 parsecs" is not a duration (expected: ...)}
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher part = PART.matcher(text);
    Duration total = Duration.ZERO;
    int previousUnit = -1;
    int position = 0;
    try {
      while (position < text.length()) {
        part.region(position, text.length());
        if (!part.lookingAt()) {
          throw notADuration(text);
        }
        int unit = indexOf(part.group(2));
        if (unit <= previousUnit) {
          throw notADuration(text);
        }
        total = total.plus(UNITS.get(unit).length().multipliedBy(Long.parseLong(part.group(1))));
        previousUnit = unit;
        position = part.end();
      }
    } catch (ArithmeticException e) {
      throw notADuration(text);
    }
    if (previousUnit < 0) {
      throw notADuration(text);
    }
    return total;
  }

  /** Formats with the largest unit that is exact: {@code 90s}, {@code 5m}, {@code 0s}. */
  static String format(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "duration: " + duration + " (expected: >= 0 and whole milliseconds)");
    }
    if (duration.isZero()) {
      return "0s";
    }
    for (Unit unit : UNITS) {
      long count = duration.dividedBy(unit.length());
      if (unit.length().multipliedBy(count).equals(duration)) {
        return count + unit.suffix();
      }
    }
    throw new AssertionError("every whole-millisecond duration is a number of milliseconds");
  }

  private static int indexOf(String suffix) {
    for (int i = 0; i < UNITS.size(); i++) {
      if (UNITS.get(i).suffix().equals(suffix)) {
        return i;
      }
    }
    throw new AssertionError(suffix);
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException(
        Rules.quote(text) + " is not a duration (expected: e.g. 250ms, 2s, 5m, 1h)");
  }
}
