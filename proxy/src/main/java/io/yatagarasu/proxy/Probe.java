package io.yatagarasu.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.time.Duration;

/**
 * {@code yatagarasu-proxy.jar --probe URL}: a health check for images without a shell or curl (the
 * distroless image's {@code HEALTHCHECK}). Sends one {@code GET} and exits 0 on a 2xx answer, 1 on
 * any other status, a refused or timed-out connection, or a URL that is not http(s). Uses only the
 * JDK, so the probe starts no Netty and reads no configuration.
 */
final class Probe {
  static final int EXIT_HEALTHY = 0;
  static final int EXIT_UNHEALTHY = 1;
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private Probe() {}

  /** Probes {@code url}; reports a failure on {@code err}, never the response body. */
  static int run(String url, Duration timeout, PrintStream err) {
    URL target;
    try {
      URI uri = URI.create(url);
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        err.println("probe: " + url + ": expected an http:// or https:// URL");
        return EXIT_UNHEALTHY;
      }
      target = uri.toURL();
    } catch (IllegalArgumentException | IOException e) {
      err.println("probe: " + url + ": not a URL");
      return EXIT_UNHEALTHY;
    }
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) target.openConnection();
      connection.setConnectTimeout((int) timeout.toMillis());
      connection.setReadTimeout((int) timeout.toMillis());
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      int status = connection.getResponseCode();
      drain(connection);
      if (status >= 200 && status < 300) {
        return EXIT_HEALTHY;
      }
      err.println("probe: " + url + ": status " + status);
      return EXIT_UNHEALTHY;
    } catch (IOException e) {
      err.println("probe: " + url + ": " + e.getClass().getSimpleName());
      return EXIT_UNHEALTHY;
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
    }
  }

  private static void drain(HttpURLConnection connection) {
    try (InputStream body =
        connection.getResponseCode() < 400
            ? connection.getInputStream()
            : connection.getErrorStream()) {
      if (body != null) {
        body.readAllBytes();
      }
    } catch (IOException e) {
      // The status decides; a body cut short changes nothing.
    }
  }
}
