package io.yatagarasu.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yatagarasu.proxy.pipeline.ServedCertificate;

/**
 * The answer of {@code GET /admin/tls}: the certificate the data listener presents now (the one a
 * new connection gets), or {@code "enabled": false} without TLS. Public facts only: never the
 * private key or the files' content.
 */
final class TlsAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TlsAdmin() {}

  static ObjectNode describe(ServedCertificate served) {
    ObjectNode answer = JSON.createObjectNode();
    if (served == null) {
      return answer.put("enabled", false);
    }
    answer.put("enabled", true);
    answer.put("serialNumber", served.serialNumber());
    answer.put("subject", served.subject());
    answer.put("issuer", served.issuer());
    answer.put("notBefore", served.notBefore().toString());
    answer.put("notAfter", served.notAfter().toString());
    answer.put("sha256", served.sha256());
    answer.put("loadedAt", served.loadedAt().toString());
    return answer;
  }
}
