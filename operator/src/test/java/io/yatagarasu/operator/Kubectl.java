package io.yatagarasu.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The kubectl on the PATH, run against the mock API server the client talks to. */
public final class Kubectl {
  private final String binary;
  private final Path kubeconfig;

  private Kubectl(String binary, Path kubeconfig) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
  }

  /** kubectl with a kubeconfig (in {@code dir}) for the client's server; null without kubectl. */
  public static Kubectl find(KubernetesClient client, Path dir) throws IOException {
    String binary = null;
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(directory, "kubectl");
      if (Files.isExecutable(candidate)) {
        binary = candidate.toString();
        break;
      }
    }
    if (binary == null) {
      return null;
    }
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
            + client.getMasterUrl().toString().replaceAll("/$", "")
            + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: mock\n  context:\n"
            + "    cluster: mock\n    user: test\ncurrent-context: mock\nusers:\n- name: test\n"
            + "  user:\n    token: test\n");
    return new Kubectl(binary, kubeconfig);
  }

  /** Runs kubectl with {@code stdin}; its output, or an exception when it fails. */
  public String run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary, "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + output);
    }
    return output.trim();
  }
}
