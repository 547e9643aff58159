package io.yatagarasu.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the fields of one mapping of the document. Tracks the mapping's path, interpolates and
 * converts scalars, reports every problem with its path to a shared list instead of stopping, and
 * on {@link #finish()} reports the keys nobody asked for.
 *
 * <p>A reader is present (over a mapping), absent (the key is missing: every read gives its
 * default) or invalid (already reported: reads give defaults and report nothing more).
 */
final class NodeReader {
  /** Returns the problem with a value, or null. */
  @FunctionalInterface
  interface Rule<T> {
    String check(T value);

    static <T> Rule<T> none() {
      return value -> null;
    }
  }

  /**
   * The problems of one document and how its scalars are interpolated. When only the structure is
   * checked, a scalar with a reference is not resolved: it gets a placeholder, and problems at its
   * path (or below it) are counted, so no record is built from a placeholder, but not reported.
   */
  static final class Problems {
    private final List<String> errors = new ArrayList<>();
    private final List<String> unknownKeys = new ArrayList<>();
    private final List<String> reported = new ArrayList<>();
    private final Interpolator interpolator;
    private final boolean structureOnly;
    private final Set<String> unresolved = new HashSet<>();

    Problems(Interpolator interpolator) {
      this(interpolator, false);
    }

    Problems(Interpolator interpolator, boolean structureOnly) {
      this.interpolator = interpolator;
      this.structureOnly = structureOnly;
    }

    void add(String path, String problem) {
      errors.add(path + ": " + problem);
      if (!isUnresolved(path)) {
        reported.add(path + ": " + problem);
      }
    }

    /** Every problem; when only the structure is checked, those not caused by a placeholder. */
    List<String> errors() {
      return reported;
    }

    String resolve(String path, String text, Consumer<String> problems) {
      if (structureOnly && Interpolator.hasReference(text)) {
        // The placeholder look-ups never fail, so what it reports is the references' own syntax
        // (an unterminated ${, a bad variable name): reported before the path is set aside.
        String placeholder = Interpolator.PLACEHOLDER.resolve(text, problems);
        unresolved.add(path);
        return placeholder;
      }
      return interpolator.resolve(text, problems);
    }

    private boolean isUnresolved(String path) {
      for (String p : unresolved) {
        if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
          return true;
        }
      }
      return false;
    }

    /** Paths of the keys the contract does not have, also reported in {@link #errors()}. */
    List<String> unknownKeys() {
      return unknownKeys;
    }
  }

  private enum State {
    PRESENT,
    ABSENT,
    INVALID
  }

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

  private final Problems problems;
  private final String path;
  private final JsonNode node;
  private final State state;
  private final int problemsBefore;
  private final Set<String> known = new LinkedHashSet<>();

  private NodeReader(Problems problems, String path, JsonNode node, State state) {
    this.problems = problems;
    this.path = path;
    this.node = node;
    this.state = state;
    this.problemsBefore = problems.errors.size();
  }

  static NodeReader root(Problems problems, JsonNode mapping) {
    return new NodeReader(problems, "", mapping, State.PRESENT);
  }

  String path() {
    return path;
  }

  boolean present() {
    return state == State.PRESENT;
  }

  /** Reports a problem with one of this mapping's keys. */
  void problem(String key, String problem) {
    problems.add(pathOf(key), problem);
  }

  /** A nested mapping; absent when the key is missing. */
  NodeReader object(String key) {
    JsonNode value = field(key);
    if (value == null) {
      return child(pathOf(key), null, State.ABSENT);
    }
    return mapping(pathOf(key), value);
  }

  /** A nested mapping that must be there; when it is missing that is reported. */
  NodeReader requiredObject(String key) {
    NodeReader reader = object(key);
    if (reader.state == State.ABSENT && state == State.PRESENT) {
      problem(key, "is required");
      return child(reader.path, null, State.INVALID);
    }
    return reader;
  }

  /**
   * A list of mappings; empty when the key is missing. Items that are not mappings are reported.
   */
  List<NodeReader> list(String key) {
    JsonNode value = field(key);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      problem(key, describe(value) + " (expected: a list)");
      return List.of();
    }
    List<NodeReader> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      NodeReader item = mapping(pathOf(key) + "[" + i + "]", value.get(i));
      if (item.present()) {
        items.add(item);
      }
    }
    return items;
  }

  /**
   * A list of scalars; empty when the key is missing. With {@code textOnly}, numbers and booleans
   * are refused as for {@link #string}; otherwise their text is taken (claim values).
   */
  List<String> strings(String key, boolean textOnly, Rule<String> rule) {
    JsonNode value = field(key);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      problem(key, describe(value) + " (expected: a list)");
      return List.of();
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      String itemKey = key + "[" + i + "]";
      JsonNode item = value.get(i);
      if (item.isObject() || item.isArray() || item.isNull()) {
        problem(itemKey, describe(item) + " (expected: a string)");
        continue;
      }
      String text = text(itemKey, item, "a string", textOnly);
      if (text == null) {
        continue;
      }
      String problem = rule.check(text);
      if (problem != null) {
        problem(itemKey, problem);
      } else {
        items.add(text);
      }
    }
    return items;
  }

  /**
   * A mapping of names to strings, in document order; empty when the key is missing. Values must be
   * scalars (numbers and booleans are taken as their text); names are checked by {@code rule}.
   */
  Map<String, String> stringMap(String key, Rule<String> rule) {
    JsonNode value = field(key);
    if (value == null) {
      return Map.of();
    }
    if (!value.isObject()) {
      problem(key, describe(value) + " (expected: a mapping)");
      return Map.of();
    }
    Map<String, String> entries = new LinkedHashMap<>();
    value
        .fields()
        .forEachRemaining(
            entry -> {
              String entryKey = key + "." + entry.getKey();
              String problem = rule.check(entry.getKey());
              JsonNode item = entry.getValue();
              if (problem != null) {
                problem(entryKey, problem);
              } else if (item.isObject() || item.isArray() || item.isNull()) {
                problem(entryKey, describe(item) + " (expected: a string)");
              } else {
                String text = text(entryKey, item, "a string", false);
                if (text != null) {
                  entries.put(entry.getKey(), text);
                }
              }
            });
    return entries;
  }

  /** An optional string; {@code fallback} when missing. Numbers and booleans are refused. */
  String string(String key, String fallback, Rule<String> rule) {
    return value(key, fallback, false, "a string", true, Function.identity(), rule);
  }

  /** A string that must be there. */
  String requiredString(String key, Rule<String> rule) {
    return value(key, null, true, "a string", true, Function.identity(), rule);
  }

  int integer(String key, int fallback, Rules.Range range) {
    Integer value =
        value(
            key,
            fallback,
            false,
            "an integer",
            false,
            text -> {
              if (!INTEGER.matcher(text).matches()) {
                throw new IllegalArgumentException(Rules.quote(text) + " is not an integer");
              }
              BigInteger n = new BigInteger(text);
              String problem = range.problem(n);
              if (problem != null) {
                throw new IllegalArgumentException(problem);
              }
              return n.intValueExact();
            },
            Rule.none());
    return value == null ? fallback : value;
  }

  boolean bool(String key, boolean fallback) {
    Boolean value =
        value(
            key,
            fallback,
            false,
            "true or false",
            false,
            text ->
                switch (text) {
                  case "true" -> true;
                  case "false" -> false;
                  default ->
                      throw new IllegalArgumentException(
                          Rules.quote(text) + " is not a boolean (expected: true or false)");
                },
            Rule.none());
    return value == null ? fallback : value;
  }

  /**
   * A value parsed from its text: {@code parser} throws IllegalArgumentException with a problem.
   */
  <T> T parsed(String key, T fallback, String expected, Function<String, T> parser, Rule<T> rule) {
    return value(key, fallback, false, expected, false, parser, rule);
  }

  /** Like {@link #parsed}, and the key must be there. */
  <T> T requiredParsed(String key, String expected, Function<String, T> parser) {
    return value(key, null, true, expected, false, parser, Rule.none());
  }

  <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
    return value(
        key, fallback, false, "a string", false, text -> constant(type, text), Rule.none());
  }

  <E extends Enum<E>> E requiredChoice(String key, Class<E> type) {
    return value(key, null, true, "a string", false, text -> constant(type, text), Rule.none());
  }

  /**
   * Reports the keys that were never asked for and tells whether this mapping is usable: present or
   * absent, with no problem reported since this reader was made (its children's included).
   */
  boolean finish() {
    if (state == State.PRESENT) {
      node.fieldNames()
          .forEachRemaining(
              key -> {
                if (!known.contains(key)) {
                  problems.unknownKeys.add(pathOf(key));
                  problem(key, "unknown key (expected one of: " + String.join(", ", known) + ")");
                }
              });
    }
    return state != State.INVALID && problems.errors.size() == problemsBefore;
  }

  private <T> T value(
      String key,
      T fallback,
      boolean required,
      String expected,
      boolean textOnly,
      Function<String, T> parser,
      Rule<T> rule) {
    JsonNode value = field(key);
    if (value == null) {
      if (required && state == State.PRESENT) {
        problem(key, "is required");
      }
      return fallback;
    }
    String text = text(key, value, expected, textOnly);
    if (text == null) {
      return null;
    }
    T parsed;
    try {
      parsed = parser.apply(text);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return null;
    }
    String problem = rule.check(parsed);
    if (problem != null) {
      problem(key, problem);
      return null;
    }
    return parsed;
  }

  /** The interpolated text of a scalar, or null once its problem is reported. */
  private String text(String key, JsonNode value, String expected, boolean textOnly) {
    if (value.isTextual()) {
      return problems.resolve(pathOf(key), value.textValue(), problem -> problem(key, problem));
    }
    // YAML turns unquoted 0123 into 83 and 1e3 into 1000.0: a string field takes no chances.
    if ((value.isNumber() || value.isBoolean()) && !textOnly) {
      return value.asText();
    }
    problem(
        key,
        describe(value)
            + " (expected: "
            + expected
            + (textOnly ? ", in quotes if need be" : "")
            + ")");
    return null;
  }

  private JsonNode field(String key) {
    known.add(key);
    if (state != State.PRESENT) {
      return null;
    }
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value;
  }

  private NodeReader mapping(String childPath, JsonNode value) {
    if (value.isObject()) {
      return child(childPath, value, State.PRESENT);
    }
    problems.add(childPath, describe(value) + " (expected: a mapping)");
    return child(childPath, null, State.INVALID);
  }

  private NodeReader child(String childPath, JsonNode value, State childState) {
    return new NodeReader(problems, childPath, value, childState);
  }

  private String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String text) {
    for (E constant : type.getEnumConstants()) {
      if (Rules.spelling(constant).equals(text)) {
        return constant;
      }
    }
    String expected =
        Arrays.stream(type.getEnumConstants())
            .map(Rules::spelling)
            .collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        Rules.quote(text) + " is not supported (expected one of: " + expected + ")");
  }

  private static String describe(JsonNode value) {
    if (value.isNull()) {
      return "is empty";
    }
    if (value.isObject()) {
      return "is a mapping";
    }
    if (value.isArray()) {
      return "is a list";
    }
    if (value.isNumber()) {
      return "is a number";
    }
    if (value.isBoolean()) {
      return "is a boolean";
    }
    return "is a " + value.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
