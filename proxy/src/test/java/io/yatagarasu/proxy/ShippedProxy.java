package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shipped jar ({@code yatagarasu.proxy.jar}, built by the package phase) run as its own
 * process: {@code [PREFIX...] java OPTIONS -jar JAR --config FILE}, with standard output and error
 * in one log file. {@link LogOutput#ENVIRONMENT} is removed from its environment, so the
 * configuration's {@code logging.format} decides the log format whatever the build's environment
 * holds. Closing it stops the process: SIGTERM, and SIGKILL if it is still running 10 s later.
 */
final class ShippedProxy implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path log;

  private ShippedProxy(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** A proxy to start from {@code config}, writing everything it prints to {@code log}. */
  static Builder builder(Path config, Path log) {
    return new Builder(config, log);
  }

  static final class Builder {
    private final Path config;
    private final Path log;
    private List<String> jvmOptions = List.of("-Xmx128m");
    private List<String> commandPrefix = List.of();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(Path config, Path log) {
      this.config = config;
      this.log = log;
    }

    /** The JVM's options, in place of the default {@code -Xmx128m}. */
    Builder jvmOptions(String... options) {
      jvmOptions = List.of(options);
      return this;
    }

    /** A command that runs first and executes the rest of the line (a sandbox, a wrapper). */
    Builder commandPrefix(String... command) {
      commandPrefix = List.of(command);
      return this;
    }

    /** One more environment variable for the proxy. */
    Builder environment(String name, String value) {
      environment.put(name, value);
      return this;
    }

    ShippedProxy start() throws IOException {
      List<String> command = new ArrayList<>(commandPrefix);
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(
          List.of(
              "-jar",
              System.getProperty("yatagarasu.proxy.jar", "target/yatagarasu-proxy.jar"),
              "--config",
              config.toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().remove(LogOutput.ENVIRONMENT);
      builder.environment().putAll(environment);
      return new ShippedProxy(builder.start(), log);
    }
  }

  /** Waits up to 30 s for the admin listener's {@code /ready} to answer 200. */
  ShippedProxy awaitReady(int adminPort) {
    return awaitReady(adminPort, Duration.ofSeconds(30));
  }

  /**
   * Waits up to {@code atMost} for the admin listener's {@code /ready} to answer 200; a proxy that
   * does not get there is stopped before the failure is thrown.
   */
  ShippedProxy awaitReady(int adminPort, Duration atMost) {
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      await()
          .atMost(atMost)
          .ignoreExceptions()
          .until(
              () -> HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
    return this;
  }

  /** Sends the signal {@code name} ({@code TERM}, {@code HUP}) with {@code kill}. */
  void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s returns", name).isTrue();
    assertThat(kill.exitValue()).as("kill -%s exit status", name).isZero();
  }

  /** Whether the process ended within {@code timeout}. */
  boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
