package io.yatagarasu.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${file:/path}} in a scalar, with
 * <code>$${</code> for a literal <code>${</code>. Problems never contain a resolved value.
 */
final class Interpolator {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String FILE = "file:";
  private static final String FORMS =
      "(expected: ${NAME}, ${NAME:-default} or ${file:/path}; $${ for a literal ${)";

  /**
   * Resolves every reference to {@code 0} without reading anything: the text a structure-only check
   * gives a scalar with references, only so that reading goes on.
   */
  static final Environment PLACEHOLDER_ENVIRONMENT =
      new Environment() {
        @Override
        public Optional<String> variable(String name) {
          return Optional.of("0");
        }

        @Override
        public String readFile(Path path) {
          return "0";
        }
      };

  static final Interpolator PLACEHOLDER = new Interpolator(PLACEHOLDER_ENVIRONMENT);

  private final Environment env;

  /** Whether {@code text} has a reference to resolve (a literal <code>$${</code> is none). */
  static boolean hasReference(String text) {
    return text.replace("$${", "").contains("${");
  }

  Interpolator(Environment env) {
    this.env = env;
  }

  /** The resolved text, or null after reporting every problem to {@code problems}. */
  String resolve(String text, Consumer<String> problems) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean resolved = true;
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          problems.accept("unterminated ${ " + FORMS);
          return null;
        }
        String value = lookUp(text.substring(i + 2, end), problems);
        if (value == null) {
          resolved = false;
        } else {
          out.append(value);
        }
        i = end + 1;
      } else {
        out.append(text.charAt(i++));
      }
    }
    return resolved ? out.toString() : null;
  }

  private String lookUp(String reference, Consumer<String> problems) {
    if (reference.startsWith(FILE)) {
      return readFile(reference.substring(FILE.length()), problems);
    }
    int separator = reference.indexOf(":-");
    String name = separator < 0 ? reference : reference.substring(0, separator);
    if (!NAME.matcher(name).matches()) {
      problems.accept(Rules.quote(name) + " is not a variable name " + FORMS);
      return null;
    }
    // As in the shell, ${NAME:-default} also applies the default when the variable is empty.
    Optional<String> value = env.variable(name).filter(v -> separator < 0 || !v.isEmpty());
    if (value.isPresent()) {
      return value.get();
    }
    if (separator >= 0) {
      return reference.substring(separator + 2);
    }
    problems.accept("environment variable " + name + " is not set");
    return null;
  }

  private String readFile(String file, Consumer<String> problems) {
    if (file.isEmpty()) {
      problems.accept("${file:} names no file " + FORMS);
      return null;
    }
    String content;
    try {
      content = env.readFile(Path.of(file));
    } catch (IOException | InvalidPathException e) {
      problems.accept("cannot read file " + file + ": " + reason(e));
      return null;
    }
    if (content.endsWith("\r\n")) {
      return content.substring(0, content.length() - 2);
    }
    return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
  }

  /** Why a file could not be read, in words, without its content. */
  static String reason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof InvalidPathException) {
      return "invalid path";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
