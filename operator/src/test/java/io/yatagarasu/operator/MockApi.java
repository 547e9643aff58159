package io.yatagarasu.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.util.HashMap;

/**
 * A mock API server (HTTPS) with the CRUD dispatcher a test chooses, a client of it, and the
 * operator running against it: for tests that need more of the API server than
 * {@code @EnableKubernetesMockClient(crud = true)} gives, such as discovery for kubectl or
 * optimistic locking.
 */
public record MockApi(KubernetesMockServer server, KubernetesClient client, OperatorHarness harness)
    implements AutoCloseable {

  /** Starts the server, installs the CRDs and starts the operator. */
  public static MockApi start(KubernetesCrudDispatcher dispatcher) throws IOException {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, true);
    server.init();
    KubernetesClient client = server.createClient();
    try {
      return new MockApi(server, client, OperatorHarness.start(client));
    } catch (IOException | RuntimeException e) {
      client.close();
      server.destroy();
      throw e;
    }
  }

  @Override
  public void close() {
    harness.close();
    client.close();
    server.destroy();
  }
}
