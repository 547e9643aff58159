package io.yatagarasu.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.yatagarasu.operator.runtime.HealthServer;
import io.yatagarasu.operator.runtime.OperatorMetrics;
import io.yatagarasu.operator.runtime.OperatorSettings;
import io.yatagarasu.operator.runtime.YatagarasuOperator;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the operator: settings from the environment, the controllers, and the health server. */
public final class OperatorMain {
  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
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
    log.info(
        "starting namespaces={} image={} leaderElection={} httpPort={}",
        settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
        settings.defaultImage(),
        settings.leaseNamespace() == null
            ? "off"
            : settings.leaseNamespace() + "/" + settings.leaseName(),
        health.port());
    operator.start();
    stopped.await();
  }
}
