package io.yatagarasu.proxy;

import io.netty.util.ResourceLeakDetector;
import io.yatagarasu.config.BuildInfo;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.proxy.auth.JwtVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone proxy: {@code java -jar yatagarasu-proxy.jar --config FILE}, {@code --validate
 * --config FILE} to check a file and exit ({@code --structure-only} without resolving its
 * references), or {@code --version}.
 */
public final class ProxyMain {
  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 64;
  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 1;

  static final Duration RELOAD_DEBOUNCE = Duration.ofMillis(200);

  private ProxyMain() {}

  public static void main(String[] args) throws InterruptedException {
    // Netty's leak detector samples buffers and records stack traces on the request path; the
    // test suite runs it at its strictest, so the proxy itself leaves it off unless asked.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    int code = run(args, System.out, System.err);
    if (code != EXIT_OK) {
      System.exit(code);
    }
  }

  /** Runs the command; returns an exit code, or blocks while the proxy serves. */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Path configFile = null;
    boolean validateOnly = false;
    boolean structureOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config", "-c" -> {
          if (i + 1 >= args.length) {
            err.println("--config needs a file");
            return EXIT_USAGE;
          }
          configFile = Path.of(args[++i]);
        }
        case "--validate" -> validateOnly = true;
        case "--structure-only" -> structureOnly = true;
        case "--version" -> {
          out.println(build().describe());
          return EXIT_OK;
        }
        case "--probe" -> {
          if (i + 1 >= args.length) {
            err.println("--probe needs a URL, such as http://127.0.0.1:9090/ready");
            return EXIT_USAGE;
          }
          return Probe.run(args[i + 1], Probe.TIMEOUT, err);
        }
        case "--help", "-h" -> {
          out.println(usage());
          return EXIT_OK;
        }
        default -> {
          err.println("unknown argument: " + args[i]);
          err.println(usage());
          return EXIT_USAGE;
        }
      }
    }
    if (configFile == null) {
      err.println(usage());
      return EXIT_USAGE;
    }
    if (structureOnly) {
      if (!validateOnly) {
        err.println("--structure-only goes with --validate");
        err.println(usage());
        return EXIT_USAGE;
      }
      return validateStructure(configFile, out, err);
    }
    ConfigDocument document;
    try {
      document = new ConfigParser(Environment.system()).loadDocument(configFile);
    } catch (ConfigException e) {
      err.println(configFile + ": invalid configuration");
      e.errors().forEach(line -> err.println("  " + line));
      return EXIT_CONFIG;
    }
    ProxyConfig config = document.config();
    List<String> keyErrors = JwtVerifier.checkKeys(config.jwt());
    if (!keyErrors.isEmpty()) {
      err.println(configFile + ": invalid configuration");
      keyErrors.forEach(line -> err.println("  " + line));
      return EXIT_CONFIG;
    }
    if (validateOnly) {
      out.println(
          configFile
              + ": valid ("
              + config.buckets().size()
              + " buckets, hash "
              + ConfigWriter.contentHash(config)
              + ")");
      return EXIT_OK;
    }
    ProxyServer server;
    ConfigFileWatcher watcher;
    try {
      server = ProxyServer.start(document, "file");
      watcher =
          new ConfigFileWatcher(
              configFile, server.snapshots(), Environment.system(), RELOAD_DEBOUNCE);
    } catch (RuntimeException | IOException e) {
      err.println("cannot start: " + e.getMessage());
      return EXIT_START;
    }
    Signals.onHangup(() -> watcher.requestReload("SIGHUP"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable graceful =
        () -> {
          try {
            watcher.close();
            ProxySnapshot current = server.snapshot();
            ServerConfig settings = current == null ? config.server() : current.config().server();
            server.shutdown(settings.drainDelay(), settings.shutdownGracePeriod());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            stopped.countDown();
          }
          System.exit(EXIT_OK);
        };
    Signals.onTerminate(graceful);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  watcher.close();
                  server.close();
                  stopped.countDown();
                },
                "yatagarasu-shutdown"));
    stopped.await();
    return EXIT_OK;
  }

  /** Checks keys, types and literal values; no environment variable or file is read. */
  private static int validateStructure(Path configFile, PrintStream out, PrintStream err) {
    List<String> problems = ConfigParser.structureProblems(configFile);
    if (!problems.isEmpty()) {
      err.println(configFile + ": invalid configuration");
      problems.forEach(line -> err.println("  " + line));
      return EXIT_CONFIG;
    }
    out.println(configFile + ": valid structure (${...} references not resolved)");
    return EXIT_OK;
  }

  /** The version and revision this jar was built from. */
  static BuildInfo build() {
    return BuildInfo.of(ProxyMain.class, "yatagarasu-proxy");
  }

  static String usage() {
    return "usage: yatagarasu-proxy --config FILE [--validate [--structure-only]] | --version\n"
        + "  --config FILE     the proxy configuration (YAML, or JSON for *.json)\n"
        + "  --validate        check the configuration, print every problem, and exit\n"
        + "  --structure-only  with --validate: check without resolving ${VAR} and ${file:...}\n"
        + "                    (keys, types, required fields, literal values); reads no variable\n"
        + "  --version         print the version and git revision, and exit";
  }
}
