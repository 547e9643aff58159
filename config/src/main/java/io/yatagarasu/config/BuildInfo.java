package io.yatagarasu.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Properties;

/**
 * The version and git revision a jar was built from, as its build wrote them into a {@code
 * build.properties} beside the jar's main class. A revision the build could not know (no {@code
 * .git} directory) is {@code unknown}.
 *
 * @param artifact the jar's name, such as {@code yatagarasu-proxy}
 * @param version the Maven version, such as {@code 0.1.0}
 * @param revision the abbreviated git commit, with {@code -dirty} for uncommitted changes
 */
public record BuildInfo(String artifact, String version, String revision) {
  public static final String UNKNOWN = "unknown";

  public BuildInfo {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(revision, "revision");
  }

  /** What the {@code build.properties} in {@code anchor}'s package says. */
  public static BuildInfo of(Class<?> anchor, String artifact) {
    try (InputStream in = anchor.getResourceAsStream("build.properties")) {
      return from(artifact, in);
    } catch (IOException e) {
      return new BuildInfo(artifact, UNKNOWN, UNKNOWN);
    }
  }

  /** Reads {@code in} (null when there is no file). */
  public static BuildInfo from(String artifact, InputStream in) throws IOException {
    Properties properties = new Properties();
    if (in != null) {
      properties.load(in);
    }
    String revision = known(properties.getProperty("revision"));
    if (!revision.equals(UNKNOWN) && "true".equals(properties.getProperty("dirty"))) {
      revision += "-dirty";
    }
    return new BuildInfo(artifact, known(properties.getProperty("version")), revision);
  }

  /** A value the build filled in, or {@code unknown} for an empty or unfilled one. */
  private static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
  }

  /** The line {@code --version} prints. */
  public String describe() {
    return artifact + " " + version + " (revision " + revision + ")";
  }
}
