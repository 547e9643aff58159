package io.yatagarasu.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in the document: a whole number of bytes ({@code 1048576}) or a whole
 * number and a binary unit ({@code 512KiB}, {@code 8MiB}, {@code 2GiB}, {@code 1TiB}).
 */
public final class Sizes {
  private record Unit(String suffix, long bytes) {}

  // From the largest unit down: formatting picks the first exact one.
  private static final List<Unit> UNITS =
      List.of(
          new Unit("TiB", 1L << 40),
          new Unit("GiB", 1L << 30),
          new Unit("MiB", 1L << 20),
          new Unit("KiB", 1L << 10));
  private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})(KiB|MiB|GiB|TiB)?");

  private Sizes() {}

  /**
   * Parses a size such as {@code 8MiB} or {@code 4096}.
   *
   * @throws IllegalArgumentException {@code "8MB" is not a size (expected: ...)}
   */
  public static long parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw notASize(text);
    }
    long unit = 1;
    if (m.group(2) != null) {
      unit = UNITS.stream().filter(u -> u.suffix().equals(m.group(2))).findFirst().get().bytes();
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw notASize(text);
    }
  }

  /**
   * Formats with the largest binary unit that is exact: {@code 8MiB}, {@code 1536KiB}, {@code 100}.
   */
  public static String format(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("size: " + bytes + " (expected: >= 0)");
    }
    if (bytes > 0) {
      for (Unit unit : UNITS) {
        if (bytes % unit.bytes() == 0) {
          return bytes / unit.bytes() + unit.suffix();
        }
      }
    }
    return Long.toString(bytes);
  }

  private static IllegalArgumentException notASize(String text) {
    return new IllegalArgumentException(
        Rules.quote(text) + " is not a size (expected: bytes, or e.g. 512KiB, 8MiB, 2GiB)");
  }
}
