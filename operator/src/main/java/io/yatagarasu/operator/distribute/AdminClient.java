package io.yatagarasu.operator.distribute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Talks to a proxy pod's admin listener: {@code PUT /admin/config} with the generation header and
 * the bearer token, turned into a {@link PodAnswer}, {@code POST /admin/cache/purge}, turned into a
 * {@link PurgeAnswer}, and {@code GET /admin/tls}, turned into a {@link CertificateAnswer}. The
 * token is only ever put in the Authorization header.
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final Duration timeout;

  AdminClient(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  CompletableFuture<PodAnswer> push(PodTarget pod, byte[] document, long generation, String token) {
    String host = pod.ip().indexOf(':') >= 0 ? "[" + pod.ip() + "]" : pod.ip();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + pod.adminPort() + "/admin/config"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .header("X-Config-Generation", Long.toString(generation))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(document))
            .build();
    try {
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle((response, error) -> answer(response, error, generation));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(unreachable(e, generation));
    }
  }

  CompletableFuture<PurgeAnswer> purge(PodTarget pod, byte[] body, String token) {
    HttpRequest request =
        HttpRequest.newBuilder(uri(pod, "/admin/cache/purge"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle(AdminClient::purgeAnswer);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          new PurgeAnswer(PurgeAnswer.Result.UNREACHABLE, 0, failure(e)));
    }
  }

  CompletableFuture<CertificateAnswer> certificate(PodTarget pod, String token) {
    HttpRequest request =
        HttpRequest.newBuilder(uri(pod, "/admin/tls"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    try {
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle(AdminClient::certificateAnswer);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          CertificateAnswer.failed(CertificateAnswer.Result.UNREACHABLE, failure(e)));
    }
  }

  private static CertificateAnswer certificateAnswer(
      HttpResponse<String> response, Throwable error) {
    if (error != null) {
      return CertificateAnswer.failed(CertificateAnswer.Result.UNREACHABLE, failure(error));
    }
    int code = response.statusCode();
    if (code == 404) {
      return CertificateAnswer.failed(
          CertificateAnswer.Result.NOT_SUPPORTED,
          "the pod's proxy does not report its certificate (a version without GET /admin/tls)");
    }
    if (code == 401 || code == 403) {
      return CertificateAnswer.failed(
          CertificateAnswer.Result.UNREACHABLE,
          "HTTP " + code + " from the admin listener: the admin token was refused");
    }
    JsonNode body;
    try {
      body = code == 200 ? JSON.readTree(response.body()) : null;
    } catch (Exception e) {
      body = null;
    }
    if (body == null || !body.path("enabled").isBoolean()) {
      return CertificateAnswer.failed(
          CertificateAnswer.Result.UNREACHABLE, "HTTP " + code + " from the admin listener");
    }
    if (!body.get("enabled").asBoolean()) {
      return CertificateAnswer.failed(
          CertificateAnswer.Result.NO_TLS, "the pod's data listener serves no TLS yet");
    }
    String serial = body.path("serialNumber").asText("");
    if (serial.isEmpty()) {
      return CertificateAnswer.failed(
          CertificateAnswer.Result.UNREACHABLE, "the pod's answer names no serial number");
    }
    return CertificateAnswer.reported(
        serial, body.path("notAfter").isTextual() ? body.get("notAfter").asText() : null);
  }

  private static URI uri(PodTarget pod, String path) {
    String host = pod.ip().indexOf(':') >= 0 ? "[" + pod.ip() + "]" : pod.ip();
    return URI.create("http://" + host + ":" + pod.adminPort() + path);
  }

  /**
   * A 404 naming an unknown bucket means the pod caches nothing for it; a 404 without that status
   * comes from a proxy version without a cache (it has no purge endpoint), which caches nothing
   * either. Both count as purged, with 0 entries.
   */
  private static PurgeAnswer purgeAnswer(HttpResponse<String> response, Throwable error) {
    if (error != null) {
      return new PurgeAnswer(PurgeAnswer.Result.UNREACHABLE, 0, failure(error));
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (Exception e) {
      body = null;
    }
    String status = body == null ? "" : body.path("status").asText("");
    int code = response.statusCode();
    if (code == 200 && "purged".equals(status)) {
      return new PurgeAnswer(
          PurgeAnswer.Result.PURGED, Math.max(0, body.path("purged").asLong(0)), null);
    }
    if (code == 404 && "unknown-bucket".equals(status)) {
      return new PurgeAnswer(
          PurgeAnswer.Result.PURGED,
          0,
          "the pod has no bucket " + body.path("bucket").asText("") + ": nothing cached for it");
    }
    if (code == 404) {
      return new PurgeAnswer(
          PurgeAnswer.Result.PURGED,
          0,
          "the pod's proxy has no cache purge endpoint (a version without a cache): nothing"
              + " cached");
    }
    if (code == 400 || code == 413 || code == 422) {
      List<String> errors = new ArrayList<>();
      if (body != null && body.path("errors").isArray()) {
        body.get("errors").forEach(e -> errors.add(e.asText()));
      }
      return new PurgeAnswer(
          PurgeAnswer.Result.REJECTED,
          0,
          "HTTP " + code + (errors.isEmpty() ? " rejected" : ": " + String.join("; ", errors)));
    }
    if (code == 401 || code == 403) {
      return new PurgeAnswer(
          PurgeAnswer.Result.UNREACHABLE,
          0,
          "HTTP " + code + " from the admin listener: the admin token was refused");
    }
    return new PurgeAnswer(
        PurgeAnswer.Result.UNREACHABLE, 0, "HTTP " + code + " from the admin listener");
  }

  private static PodAnswer answer(HttpResponse<String> response, Throwable error, long pushed) {
    if (error != null) {
      return unreachable(error, pushed);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (Exception e) {
      body = null;
    }
    long generation = body == null ? 0 : body.path("generation").asLong(0);
    String hash = body == null || !body.path("hash").isTextual() ? null : body.get("hash").asText();
    List<String> errors = new ArrayList<>();
    if (body != null && body.path("errors").isArray()) {
      body.get("errors").forEach(e -> errors.add(e.asText()));
    }
    String status = body == null ? "" : body.path("status").asText("");
    int code = response.statusCode();
    if (code == 200 && ("applied".equals(status) || "unchanged".equals(status))) {
      return new PodAnswer(
          "applied".equals(status) ? PodAnswer.Result.APPLIED : PodAnswer.Result.UNCHANGED,
          generation,
          hash,
          List.of(),
          pushed);
    }
    if (code == 409) {
      return new PodAnswer(PodAnswer.Result.STALE, generation, hash, errors, pushed);
    }
    if (code == 400 || code == 413 || code == 422) {
      if (errors.isEmpty()) {
        errors.add("HTTP " + code + " " + (status.isEmpty() ? "rejected" : status));
      }
      return new PodAnswer(PodAnswer.Result.REJECTED, generation, hash, errors, pushed);
    }
    if (code == 401 || code == 403) {
      return new PodAnswer(
          PodAnswer.Result.UNAUTHORIZED,
          0,
          null,
          List.of("HTTP " + code + " from the admin listener"),
          pushed);
    }
    return new PodAnswer(
        PodAnswer.Result.UNREACHABLE,
        0,
        null,
        List.of("HTTP " + code + " from the admin listener"),
        pushed);
  }

  private static PodAnswer unreachable(Throwable error, long pushed) {
    return new PodAnswer(PodAnswer.Result.UNREACHABLE, 0, null, List.of(failure(error)), pushed);
  }

  /** Why a request got no answer; the request (and its token) is never part of the message. */
  private static String failure(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return "no answer within the admin request timeout";
    }
    if (cause instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
