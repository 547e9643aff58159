package io.yatagarasu.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Variables from a map, files from the file system. Not a record: its values must not print. */
final class SimpleEnvironment implements Environment {
  private final Map<String, String> variables;

  SimpleEnvironment(Map<String, String> variables) {
    this.variables = variables;
  }

  @Override
  public Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name));
  }

  @Override
  public String readFile(Path path) throws IOException {
    return Files.readString(path);
  }
}
