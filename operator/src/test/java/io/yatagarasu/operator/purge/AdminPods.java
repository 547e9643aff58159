package io.yatagarasu.operator.purge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.yatagarasu.operator.render.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Proxy pods of one fleet as far as a purge sees them: a Pod object per pod (Running, Ready, an IP
 * on 127.0.x.y, the admin container port) and, behind it, a real HTTP server speaking the admin
 * API's purge contract over a real socket: bearer token, {@code POST /admin/cache/purge} against an
 * in-memory set of cached keys per bucket, 404 {@code unknown-bucket}, 400 for a body without keys,
 * prefixes or all. {@code PUT /admin/config} acknowledges snapshot pushes. A pod can be stopped
 * (connection refused) and started again on the same address.
 */
final class AdminPods implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger SUBNETS = new AtomicInteger(60);

  /** One pod: its cache, the purge bodies it received, and its server. */
  static final class AdminPod {
    final String name;
    final String ip;
    final int port;
    final Map<String, Set<String>> cache = new ConcurrentHashMap<>();
    final List<JsonNode> purges = new CopyOnWriteArrayList<>();
    final List<String> tokens = new CopyOnWriteArrayList<>();
    private volatile HttpServer server;
    private volatile String token;

    AdminPod(String name, String ip, int port) {
      this.name = name;
      this.ip = ip;
      this.port = port;
    }

    void cache(String bucket, String... keys) {
      cache.computeIfAbsent(bucket, b -> ConcurrentHashMap.newKeySet()).addAll(List.of(keys));
    }

    void start(String token) {
      this.token = token;
      try {
        HttpServer s = HttpServer.create(new InetSocketAddress(ip, port), 0);
        s.createContext("/", this::handle);
        s.start();
        server = s;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void stop() {
      HttpServer s = server;
      if (s != null) {
        s.stop(0);
        server = null;
      }
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        tokens.add(auth == null ? "" : auth);
        if (!("Bearer " + token).equals(auth)) {
          send(exchange, 401, "{\"error\":\"unauthorized\"}");
          return;
        }
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (path.equals("/admin/config") && exchange.getRequestMethod().equals("PUT")) {
          String generation = exchange.getRequestHeaders().getFirst("X-Config-Generation");
          send(
              exchange,
              200,
              "{\"status\":\"applied\",\"generation\":" + generation + ",\"hash\":\"h\"}");
          return;
        }
        if (!path.equals("/admin/cache/purge") || !exchange.getRequestMethod().equals("POST")) {
          send(exchange, 404, "{\"error\":\"not_found\"}");
          return;
        }
        JsonNode request = JSON.readTree(body);
        purges.add(request);
        boolean all = request.path("all").asBoolean(false);
        List<String> keys = strings(request.path("keys"));
        List<String> prefixes = strings(request.path("prefixes"));
        if (!all && keys.isEmpty() && prefixes.isEmpty()) {
          send(exchange, 400, "{\"status\":\"rejected\",\"errors\":[\"keys: nothing to purge\"]}");
          return;
        }
        List<Set<String>> buckets = new ArrayList<>();
        if (request.has("bucket")) {
          Set<String> entries = cache.get(request.get("bucket").asText());
          if (entries == null) {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("status", "unknown-bucket");
            answer.put("bucket", request.get("bucket").asText());
            send(exchange, 404, answer.toString());
            return;
          }
          buckets.add(entries);
        } else {
          buckets.addAll(cache.values());
        }
        int purged = 0;
        for (Set<String> entries : buckets) {
          for (Iterator<String> it = entries.iterator(); it.hasNext(); ) {
            String key = it.next();
            if (all || keys.contains(key) || prefixes.stream().anyMatch(key::startsWith)) {
              it.remove();
              purged++;
            }
          }
        }
        send(exchange, 200, "{\"status\":\"purged\",\"purged\":" + purged + "}");
      }
    }

    private static List<String> strings(JsonNode node) {
      List<String> out = new ArrayList<>();
      node.forEach(n -> out.add(n.asText()));
      return out;
    }

    private static void send(HttpExchange exchange, int code, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String fleet;
  private final Map<String, AdminPod> pods = new LinkedHashMap<>();

  AdminPods(KubernetesClient client, String namespace, String fleet) {
    this.client = client;
    this.namespace = namespace;
    this.fleet = fleet;
  }

  /** Starts {@code count} pods, each with its own server and a Running, Ready Pod object. */
  AdminPods start(int count, String token) {
    int subnet = SUBNETS.incrementAndGet();
    for (int i = 1; i <= count; i++) {
      String ip = "127.0." + subnet + "." + i;
      int port = freePort(ip);
      AdminPod pod = new AdminPod(fleet + "-" + i, ip, port);
      pod.start(token);
      pods.put(pod.name, pod);
      client.resource(podObject(pod)).create();
    }
    return this;
  }

  AdminPod pod(int i) {
    return pods.get(fleet + "-" + i);
  }

  List<AdminPod> all() {
    return List.copyOf(pods.values());
  }

  /** The Pod object's container restart count goes up, as after a crash. */
  void restarted(int i) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod(i).name)
        .editStatus(
            p -> {
              p.getStatus().getContainerStatuses().get(0).setRestartCount(1);
              return p;
            });
  }

  void deleted(int i) {
    client.pods().inNamespace(namespace).withName(pod(i).name).delete();
  }

  private Pod podObject(AdminPod pod) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(pod.name)
        .withUid(UUID.randomUUID().toString())
        .addToLabels(Labels.APP_NAME, "yatagarasu-proxy")
        .addToLabels(Labels.APP_INSTANCE, fleet)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("proxy")
        .withImage("example.org/yatagarasu-proxy:test")
        .addNewPort()
        .withName("admin")
        .withContainerPort(pod.port)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(pod.ip)
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("proxy")
                .withRestartCount(0)
                .withReady(true)
                .build())
        .endStatus()
        .build();
  }

  private static int freePort(String ip) {
    try (var socket = new java.net.ServerSocket()) {
      socket.bind(new InetSocketAddress(ip, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    pods.values().forEach(AdminPod::stop);
  }
}
