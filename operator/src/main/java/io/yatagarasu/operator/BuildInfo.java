package io.yatagarasu.operator;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git revision this jar was built from, as the build wrote them into {@code
 * build.properties}. A revision the build could not know (no {@code .git} directory) is {@code
 * unknown}.
 *
 * @param version the Maven version, such as {@code 0.1.0}
 * @param revision the abbreviated git commit, with {@code -dirty} for uncommitted changes
 */
public record BuildInfo(String version, String revision) {
  static final String UNKNOWN = "unknown";

  /** What this jar's build.properties says. */
  public static BuildInfo current() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      return from(in);
    } catch (IOException e) {
      return new BuildInfo(UNKNOWN, UNKNOWN);
    }
  }

  static BuildInfo from(InputStream in) throws IOException {
    Properties properties = new Properties();
    if (in != null) {
      properties.load(in);
    }
    String revision = known(properties.getProperty("revision"));
    if (!revision.equals(UNKNOWN) && "true".equals(properties.getProperty("dirty"))) {
      revision += "-dirty";
    }
    return new BuildInfo(known(properties.getProperty("version")), revision);
  }

  /** A value the build filled in, or {@code unknown} for an empty or unfilled one. */
  private static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
  }

  /** The line {@code --version} prints. */
  public String describe() {
    return "yatagarasu-operator " + version + " (revision " + revision + ")";
  }
}
