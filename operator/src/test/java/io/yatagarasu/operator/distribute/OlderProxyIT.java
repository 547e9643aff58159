package io.yatagarasu.operator.distribute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.ConfigWriter;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.operator.status.Conditions;
import io.yatagarasu.operator.status.FleetConditions;
import io.yatagarasu.proxy.ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real proxy that is older than the snapshot pushed to it (the snapshot has keys its release does
 * not know): the fleet's status names the pod, the keys, and that its proxy is the older side.
 */
class OlderProxyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "older-proxy-token";

  @TempDir Path dir;

  @Test
  void theFleetStatusNamesThePodWhoseProxyIsOlderAndTheKeysItDoesNotKnow() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    ProxyConfig config =
        new ConfigParser(Environment.of(Map.of()))
            .parseYaml(
                "server: { listen: 127.0.0.1:0 }\n"
                    + "admin: { listen: 127.0.0.1:0, tokenFile: \""
                    + tokenFile
                    + "\" }\n"
                    + "buckets:\n"
                    + "  - name: files\n"
                    + "    pathPrefix: /files\n"
                    + "    s3: { bucket: files, region: us-east-1, endpoint: \"http://127.0.0.1:9\","
                    + " credentials: { accessKeyId: k, secretAccessKey: s } }\n"
                    + "    auth: { type: public }\n");
    try (ProxyServer proxy = ProxyServer.start(config)) {
      long running = proxy.snapshot().generation();
      ObjectNode newer = (ObjectNode) JSON.readTree(ConfigWriter.toJson(config));
      newer.putObject("profiling").put("sampleRate", 0.5);
      ((ObjectNode) newer.get("buckets").get(0)).putObject("prefetch").put("enabled", true);
      PodTarget pod =
          new PodTarget(
              "edge-7d9f-x2k4q",
              "uid/127.0.0.1/0",
              "127.0.0.1",
              proxy.adminAddress().getPort(),
              true);

      PodAnswer answer =
          new AdminClient(Duration.ofSeconds(5))
              .push(pod, JSON.writeValueAsString(newer).getBytes(StandardCharsets.UTF_8), 7, TOKEN)
              .get(10, TimeUnit.SECONDS);

      assertThat(answer.result()).isEqualTo(PodAnswer.Result.REJECTED);
      FleetProgress progress =
          new FleetProgress(7, List.of(new FleetProgress.PodProgress(pod, answer, false)));
      Condition programmed =
          Conditions.find(
              FleetConditions.of(
                  new FleetConditions.Inputs(
                      "apps/edge",
                      "edge-config",
                      7,
                      "0".repeat(64),
                      List.of(),
                      1,
                      1,
                      1,
                      0,
                      false,
                      progress)),
              FleetConditions.PROGRAMMED);
      assertThat(programmed.getStatus()).isEqualTo("False");
      assertThat(programmed.getReason()).isEqualTo("Rejected");
      assertThat(programmed.getMessage())
          .contains(
              "pod edge-7d9f-x2k4q (127.0.0.1) rejected generation 7: snapshot keys unknown to"
                  + " this proxy: buckets[0].prefetch, profiling; this proxy is older than the operator"
                  + " that rendered the snapshot: upgrade the proxy image");
      assertThat(proxy.snapshot().generation()).isEqualTo(running);
    }
  }
}
