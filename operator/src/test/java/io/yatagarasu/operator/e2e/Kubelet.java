package io.yatagarasu.operator.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ListenAddress;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.TlsConfig;
import io.yatagarasu.operator.distribute.PodView;
import io.yatagarasu.operator.render.PodLayout;
import io.yatagarasu.proxy.ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Plays the kubelet for one fleet: for the Deployment the operator created it creates Pod objects
 * with IPs on 127.0.0.x and runs a real proxy per pod, booted from the rendered-config Secret and
 * the admin-token Secret as mounted files, each bound to its pod's address.
 */
final class Kubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final String fleet;
  private final Path root;
  private final Map<String, ProxyServer> proxies = new LinkedHashMap<>();
  private final Map<String, String> ips = new LinkedHashMap<>();

  Kubelet(KubernetesClient client, String namespace, String fleet, Path root) {
    this.client = client;
    this.namespace = namespace;
    this.fleet = fleet;
    this.root = root;
  }

  /**
   * What a proxy on 127.0.0.x sees: listeners on its own address (as in its own network namespace)
   * and the admin token where this kubelet mounted it.
   */
  static PodView view(Path root) {
    return (ip, config) -> {
      ServerConfig s = config.server();
      ServerConfig server =
          new ServerConfig(
              new ListenAddress(ip, s.listen().port()),
              s.maxRequestHeaderBytes(),
              s.maxUriBytes(),
              s.idleTimeout(),
              s.transport(),
              s.trustedProxies(),
              s.requestHeaderTimeout(),
              s.maxConcurrentRequests(),
              s.drainDelay(),
              s.shutdownGracePeriod(),
              s.tls() == null
                  ? null
                  : new TlsConfig(
                      root.resolve(ip).resolve("tls").resolve("tls.crt").toString(),
                      root.resolve(ip).resolve("tls").resolve("tls.key").toString(),
                      s.tls().http2(),
                      s.tls().provider()));
      AdminConfig admin =
          new AdminConfig(
              new ListenAddress(ip, config.admin().listen().port()),
              root.resolve(ip).resolve(PodLayout.ADMIN_TOKEN_KEY).toString(),
              config.admin().maxBodyBytes());
      return new ProxyConfig(
          server,
          admin,
          config.upstream(),
          config.logging(),
          config.jwt(),
          config.rateLimits(),
          config.cache(),
          config.tracing(),
          config.buckets());
    };
  }

  /** The rendered-config Secret's document, as a pod mounts it. */
  String mountedDocument() {
    Secret secret = client.secrets().inNamespace(namespace).withName(fleet + "-config").get();
    return new String(
        Base64.getDecoder().decode(secret.getData().get(PodLayout.CONFIG_KEY)),
        StandardCharsets.UTF_8);
  }

  /** Starts a pod: its proxy boots from the mounted snapshot, then the Pod object turns ready. */
  ProxyServer start(String name, String ip) throws Exception {
    return start(name, ip, mountedDocument(), true);
  }

  /** Creates a Ready Pod object at {@code ip} with no process behind it. */
  void startUnreachable(String name, String ip) {
    ips.put(name, ip);
    client.resource(pod(name, ip, 0)).create();
  }

  ProxyServer start(String name, String ip, String document, boolean createPod) throws Exception {
    mountToken(ip);
    ConfigDocument mounted = new ConfigParser(Environment.of(Map.of())).parseJsonDocument(document);
    ProxyServer proxy =
        ProxyServer.start(
            new ConfigDocument(view(root).configFor(ip, mounted.config()), mounted.generation()),
            "file");
    proxies.put(name, proxy);
    ips.put(name, ip);
    if (createPod) {
      client.resource(pod(name, ip, 0)).create();
    }
    return proxy;
  }

  /**
   * Restarts a pod's container from {@code document} (an older mounted snapshot, say): the new
   * process boots, and the Pod's restart count goes up, as the kubelet reports it.
   */
  ProxyServer restart(String name, String document) throws Exception {
    String ip = ips.get(name);
    proxies.remove(name).close();
    ProxyServer proxy = start(name, ip, document, false);
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    int restarts = pod.getStatus().getContainerStatuses().get(0).getRestartCount() + 1;
    pod.setStatus(pod(name, ip, restarts).getStatus());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
    return proxy;
  }

  /**
   * The pod's container exits and is restarted, but its new process has not opened a port yet: the
   * restart count goes up and the Pod is not ready; pushes to it are refused.
   */
  void crash(String name) {
    String ip = ips.get(name);
    ProxyServer old = proxies.remove(name);
    if (old != null) {
      old.close();
    }
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    int restarts = pod.getStatus().getContainerStatuses().get(0).getRestartCount() + 1;
    pod.setStatus(pod(name, ip, restarts, false).getStatus());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  /** A scheduled Pod with an IP whose process is still starting: no port open, not ready. */
  void schedule(String name, String ip) {
    ips.put(name, ip);
    client.resource(pod(name, ip, 0, false)).create();
  }

  /** The pod's (new) process boots from {@code document}; the Pod object is left as it is. */
  ProxyServer boot(String name, String document) throws Exception {
    return start(name, ips.get(name), document, false);
  }

  /** The pod's readiness probe passed: its Ready condition turns True. */
  void markReady(String name) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    int restarts = pod.getStatus().getContainerStatuses().get(0).getRestartCount();
    pod.setStatus(pod(name, ips.get(name), restarts, true).getStatus());
    client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  String namespace() {
    return namespace;
  }

  ProxyServer proxy(String name) {
    return proxies.get(name);
  }

  List<ProxyServer> proxies() {
    return List.copyOf(proxies.values());
  }

  /** http://ip:port of a pod's data listener. */
  String base(String name) {
    return "http://" + ips.get(name) + ":" + proxies.get(name).dataAddress().getPort();
  }

  /**
   * Writes the current content of the pods' Secret volumes (the data listener's TLS Secret) into
   * every pod's files, as the kubelet's periodic sync does after a Secret changes.
   */
  void syncSecretVolumes() throws IOException {
    for (String ip : ips.values()) {
      mountTls(ip);
    }
  }

  /**
   * Writes the current content of the TLS Secret volume into one pod's files: the kubelet syncs
   * each pod's volumes on its own schedule, so pods pick up a changed Secret at different times.
   */
  void syncSecretVolume(String pod) throws IOException {
    mountTls(ips.get(pod));
  }

  private void mountTls(String ip) throws IOException {
    Deployment deployment =
        client.apps().deployments().inNamespace(namespace).withName(fleet).get();
    var volume =
        deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("tls"))
            .findFirst();
    if (volume.isEmpty()) {
      return;
    }
    Secret tls =
        client
            .secrets()
            .inNamespace(namespace)
            .withName(volume.get().getSecret().getSecretName())
            .get();
    Path dir = Files.createDirectories(root.resolve(ip).resolve("tls"));
    for (String key : List.of("tls.key", "tls.crt")) {
      Path staged = dir.resolve("." + key + ".new");
      Files.write(staged, Base64.getDecoder().decode(tls.getData().get(key)));
      Files.move(
          staged,
          dir.resolve(key),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private void mountToken(String ip) throws IOException {
    mountTls(ip);
    Secret token = client.secrets().inNamespace(namespace).withName(fleet + "-admin-token").get();
    Path dir = Files.createDirectories(root.resolve(ip));
    Files.write(
        dir.resolve(PodLayout.ADMIN_TOKEN_KEY),
        Base64.getDecoder().decode(token.getData().get(PodLayout.ADMIN_TOKEN_KEY)));
  }

  private Pod pod(String name, String ip, int restarts) {
    return pod(name, ip, restarts, true);
  }

  private Pod pod(String name, String ip, int restarts, boolean ready) {
    Deployment deployment =
        client.apps().deployments().inNamespace(namespace).withName(fleet).get();
    var template = deployment.getSpec().getTemplate();
    List<Container> containers = template.getSpec().getContainers();
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withUid(UUID.randomUUID().toString())
        .withLabels(template.getMetadata().getLabels())
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(containers.get(0).getName())
                .withReady(ready)
                .withRestartCount(restarts)
                .build())
        .endStatus()
        .build();
  }

  @Override
  public void close() {
    proxies.values().forEach(ProxyServer::close);
    proxies.clear();
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
