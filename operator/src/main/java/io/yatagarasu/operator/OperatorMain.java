package io.yatagarasu.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yatagarasu.config.BuildInfo;
import io.yatagarasu.operator.runtime.HealthServer;
import io.yatagarasu.operator.runtime.LogEncoder;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.runtime.OperatorSettings;
import io.yatagarasu.operator.runtime.YatagarasuOperator;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the operator: settings from the environment, the controllers, and the health server. The
 * only arguments are {@code --version} and {@code --help}.
 */
public final class OperatorMain {
  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 64;
  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    int code = arguments(args, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
    run();
  }

  /** Answers {@code --version} and {@code --help}: an exit code, or -1 to start the operator. */
  static int arguments(String[] args, PrintStream out, PrintStream err) {
    for (String arg : args) {
      switch (arg) {
        case "--version" -> {
          out.println(build().describe());
          return EXIT_OK;
        }
        case "--help", "-h" -> {
          out.println(usage());
          return EXIT_OK;
        }
        default -> {
          err.println("unknown argument: " + arg);
          err.println(usage());
          return EXIT_USAGE;
        }
      }
    }
    return -1;
  }

  static String usage() {
    return "usage: yatagarasu-operator [--version]\n"
        + "  settings come from the environment (YATAGARASU_*; see docs/operator.md)\n"
        + "  --version  print the version and git revision, and exit";
  }

  private static void run() throws Exception {
    String logFormat = LogEncoder.problem(System.getenv(LogEncoder.ENVIRONMENT));
    if (logFormat != null) {
      System.err.println(logFormat);
      System.exit(EXIT_USAGE);
    }
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KubernetesClient client = new KubernetesClientBuilder().build();
    YatagarasuOperator operator =
        YatagarasuOperator.create(
            client, settings, new OperatorMetrics(registry), Clock.systemUTC());
    HealthServer health = HealthServer.start(settings.httpPort(), operator::ready, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  operator.close();
                  health.close();
                  client.close();
                  stopped.countDown();
                },
                "operator-shutdown"));
    BuildInfo build = build();
    log.info(
        "starting version={} revision={} namespaces={} image={} leaderElection={} httpPort={}",
        build.version(),
        build.revision(),
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.defaultImage(),
        settings.leaseNamespace() == null
            ? "off"
            : settings.leaseNamespace() + "/" + settings.leaseName(),
        health.port());
    operator.start();
    stopped.await();
  }

  /** The version and revision this jar was built from. */
  static BuildInfo build() {
    return BuildInfo.of(OperatorMain.class, "yatagarasu-operator");
  }
}
