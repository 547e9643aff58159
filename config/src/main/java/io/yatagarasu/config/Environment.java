package io.yatagarasu.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where the {@code ${NAME}} and {@code ${file:/path}} references of a document are resolved. */
public interface Environment {
  /** The value of an environment variable, if it is set. */
  Optional<String> variable(String name);

  /** The whole content of a file, read as UTF-8. */
  String readFile(Path path) throws IOException;

  /** The process environment and the real file system. */
  static Environment system() {
    return new SimpleEnvironment(System.getenv());
  }

  /** Fixed variables, for tests; files are still read from the real file system. */
  static Environment of(Map<String, String> variables) {
    return new SimpleEnvironment(Map.copyOf(variables));
  }
}
