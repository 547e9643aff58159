package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.proxy.auth.JwtVerifier;
import io.yatagarasu.proxy.auth.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every standalone example in {@code examples/} is a valid configuration. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples", "standalone");

  /**
   * Every variable resolves to a 40-character placeholder, a {@code .pem} file to a real public key
   * of the type its name says, and any other file to fixed text.
   */
  private static final Environment PLACEHOLDERS =
      new Environment() {
        @Override
        public Optional<String> variable(String name) {
          return Optional.of(
              ("placeholder-" + name.toLowerCase() + "-".repeat(40)).substring(0, 40));
        }

        @Override
        public String readFile(Path path) {
          String name = path.getFileName().toString();
          try {
            if (name.startsWith("rsa") && name.endsWith(".pem")) {
              return TestKeys.pem(TestKeys.rsa().getPublic());
            }
            if (name.startsWith("ec") && name.endsWith(".pem")) {
              return TestKeys.pem(TestKeys.ec("secp256r1").getPublic());
            }
            if (name.startsWith("ed25519") && name.endsWith(".pem")) {
              return TestKeys.pem(TestKeys.ed25519().getPublic());
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return "file-" + name;
        }
      };

  @Test
  void everyStandaloneExampleIsValid() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(EXAMPLES)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      ProxyConfig config;
      try {
        config = new ConfigParser(PLACEHOLDERS).load(file);
      } catch (Exception e) {
        throw new AssertionError(file + " is not valid: " + e.getMessage(), e);
      }
      assertThat(config.buckets()).as(file.toString()).isNotEmpty();
      assertThat(JwtVerifier.checkKeys(config.jwt())).as(file.toString()).isEmpty();
    }
  }
}
