package io.yatagarasu.operator.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's own small HTTP server: {@code /healthz} (the process is alive), {@code /readyz}
 * (the controllers are started and their informers are healthy) and {@code /metrics} (Prometheus).
 * The JDK's server is enough here: the operator is not the data plane.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static HealthServer start(
      int port, BooleanSupplier ready, PrometheusMeterRegistry registry) throws IOException {
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(registry, "registry");
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/healthz", exchange -> respond(exchange, 200, "ok\n", "text/plain"));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean ok;
          try {
            ok = ready.getAsBoolean();
          } catch (RuntimeException e) {
            ok = false;
          }
          respond(exchange, ok ? 200 : 503, ok ? "ok\n" : "not ready\n", "text/plain");
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "operator-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
    return new HealthServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
