package io.yatagarasu.demo;

import io.yatagarasu.testkit.S3ProxyServer;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The standalone proxy configuration the demo writes: one route per store, each with the store's
 * own credentials.
 */
final class DemoConfig {

  static final String PUBLIC_PREFIX = "/public";
  static final String REPORTS_PREFIX = "/reports";

  /** One {@code buckets[]} entry: a public route to a bucket of one store. */
  record Route(
      String name,
      String pathPrefix,
      String bucket,
      URI endpoint,
      String region,
      String accessKey,
      String secretKey) {

    static Route to(String name, String pathPrefix, String bucket, S3ProxyServer store) {
      return new Route(
          name,
          pathPrefix,
          bucket,
          store.endpoint(),
          store.region(),
          store.accessKey(),
          store.secretKey());
    }
  }

  private DemoConfig() {}

  static String yaml(int port, int adminPort, List<Route> routes) {
    return String.join(
        "\n",
        "# Written by the Yatagarasu demo. The credentials are the demo stores' own, inline for",
        "# brevity; a real deployment writes ${AWS_SECRET_ACCESS_KEY} or ${file:/path} instead.",
        "server:",
        "  listen: 127.0.0.1:" + port,
        "admin:",
        "  listen: 127.0.0.1:" + adminPort,
        "logging:",
        "  format: text",
        "buckets:",
        routes.stream().map(DemoConfig::bucket).collect(Collectors.joining("\n")),
        "");
  }

  private static String bucket(Route route) {
    return String.join(
        "\n",
        "  - name: " + quote(route.name()),
        "    pathPrefix: " + quote(route.pathPrefix()),
        "    s3:",
        "      bucket: " + quote(route.bucket()),
        "      region: " + quote(route.region()),
        "      endpoint: " + quote(route.endpoint().toString()),
        "      pathStyle: true",
        "      credentials:",
        "        accessKeyId: " + quote(route.accessKey()),
        "        secretAccessKey: " + quote(route.secretKey()),
        "    auth:",
        "      type: public");
  }

  /** A YAML single-quoted scalar: nothing inside is special except the quote itself. */
  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
