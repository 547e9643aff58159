package io.yatagarasu.chart;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository; tests run with the module folder as working directory. */
final class RepoPaths {
  static final Path ROOT =
      Path.of(System.getProperty("yatagarasu.repoRoot", "..")).toAbsolutePath().normalize();
  static final Path CHART = ROOT.resolve("charts/yatagarasu");
  static final Path CRDS = ROOT.resolve("crds");

  private RepoPaths() {}

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
