package io.yatagarasu.operator;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The mock API server's CRUD dispatcher with the API server's optimistic locking, which the fabric8
 * dispatcher leaves out: a PUT whose {@code metadata.resourceVersion} is not the stored object's is
 * refused with {@code 409 Conflict}. A test can also have the next PUT to a path refused, as if
 * another writer had got in first, and reads back every PUT with what it carried and what it got.
 */
public final class OptimisticLockingDispatcher extends KubernetesCrudDispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATUS = "/status";

  private final Map<String, CountDownLatch> refusals = new ConcurrentHashMap<>();
  private final List<Put> puts = new CopyOnWriteArrayList<>();

  /** One PUT: its path, the resourceVersion it carried and the status code it was answered. */
  public record Put(String path, String resourceVersion, int code) {}

  /** Refuses the next PUT to {@code path} with a conflict; the latch opens when that happened. */
  public CountDownLatch refuseNextPut(String path) {
    CountDownLatch refused = new CountDownLatch(1);
    refusals.put(path, refused);
    return refused;
  }

  /** Every PUT so far to {@code path}, in order. */
  public List<Put> puts(String path) {
    return puts.stream().filter(put -> put.path().equals(path)).toList();
  }

  @Override
  public synchronized MockResponse handleUpdate(RecordedRequest request) {
    String path = request.getPath().split("\\?")[0];
    String sent = resourceVersion(new String(request.getBody().getBytes(), UTF_8));
    MockResponse response;
    CountDownLatch refused = refusals.remove(path);
    if (refused != null) {
      response = conflict(path);
      refused.countDown();
    } else {
      String stored = storedVersion(path);
      response =
          sent.isEmpty() || stored == null || sent.equals(stored)
              ? super.handleUpdate(request)
              : conflict(path);
    }
    puts.add(new Put(path, sent, response.code()));
    return response;
  }

  /** Patches and updates take turns, so that a PUT's check and its write see one stored object. */
  @Override
  public synchronized MockResponse handlePatch(RecordedRequest request) {
    return super.handlePatch(request);
  }

  /** The stored object's resourceVersion, or null when there is none to compare with. */
  private String storedVersion(String path) {
    String object =
        path.endsWith(STATUS) ? path.substring(0, path.length() - STATUS.length()) : path;
    MockResponse stored = handleGet(object);
    return stored.code() == 200
        ? resourceVersion(new String(stored.getBody().getBytes(), UTF_8))
        : null;
  }

  private static String resourceVersion(String body) {
    try {
      return JSON.readTree(body).path("metadata").path("resourceVersion").asText("");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MockResponse conflict(String path) {
    return new MockResponse()
        .setResponseCode(409)
        .addHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Conflict\","
                + "\"code\":409,\"message\":\"Operation cannot be fulfilled on "
                + path
                + ": the object has been modified; please apply your changes to the latest"
                + " version and try again\"}");
  }
}
