package io.yatagarasu.proxy.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys published at one JWKS URL. Fetched off the event loops with a timeout, refreshed on a
 * schedule, and fetched again at most once per 30 s when a token names a key it lacks. A failed
 * fetch keeps the last good key set.
 */
public final class JwksSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JwksSource.class);
  static final long UNKNOWN_KID_INTERVAL_MILLIS = 30_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_BYTES = 1024 * 1024;

  private final URI url;
  private final HttpClient http;
  private final LongSupplier clock;
  private final ScheduledFuture<?> schedule;
  private volatile List<Keys.Candidate> keys = List.of();
  private volatile CompletableFuture<Void> inFlight;
  private long lastUnknownKidFetch = Long.MIN_VALUE / 2;
  private volatile boolean loaded;

  JwksSource(
      URI url,
      Duration refreshInterval,
      HttpClient http,
      ScheduledExecutorService scheduler,
      LongSupplier clock) {
    this.url = url;
    this.http = http;
    this.clock = clock;
    long every = refreshInterval.toMillis();
    this.schedule = scheduler.scheduleWithFixedDelay(this::fetch, 0, every, TimeUnit.MILLISECONDS);
  }

  /** The keys of the last good fetch (empty before the first). */
  List<Keys.Candidate> keys() {
    return keys;
  }

  boolean loaded() {
    return loaded;
  }

  /**
   * A fetch for a key id the current set lacks; null when one was made less than 30 s ago (the
   * caller then refuses the token), else a future that completes when the fetch ends.
   */
  synchronized CompletableFuture<Void> fetchForUnknownKey() {
    CompletableFuture<Void> running = inFlight;
    if (running != null && !running.isDone()) {
      // A fetch under way (the first load, a scheduled refresh) answers this key id too; joining
      // it must not use up the one fetch an unknown key id may cause every 30 s.
      return running;
    }
    long now = clock.getAsLong();
    if (now - lastUnknownKidFetch < UNKNOWN_KID_INTERVAL_MILLIS) {
      return null;
    }
    lastUnknownKidFetch = now;
    return fetch();
  }

  /** Fetches now unless a fetch is already running; never fails (a failure keeps the old keys). */
  synchronized CompletableFuture<Void> fetch() {
    CompletableFuture<Void> running = inFlight;
    if (running != null && !running.isDone()) {
      return running;
    }
    HttpRequest request =
        HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json").build();
    CompletableFuture<Void> next =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
            .thenApply(this::parse)
            .handle(
                (parsed, error) -> {
                  if (error != null) {
                    LOG.warn(
                        "JWKS fetch failed url={} reason={}; keeping {} known keys",
                        url,
                        rootMessage(error),
                        keys.size());
                  } else {
                    keys = parsed;
                    loaded = true;
                    LOG.info("JWKS fetched url={} keys={}", url, parsed.size());
                  }
                  return null;
                });
    inFlight = next;
    return next;
  }

  private List<Keys.Candidate> parse(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new IllegalStateException("key set larger than 1 MiB");
      }
      JWKSet set = JWKSet.parse(new String(bytes, StandardCharsets.UTF_8));
      List<Keys.Candidate> candidates = new ArrayList<>();
      for (JWK jwk : set.getKeys()) {
        Keys.Candidate candidate = Keys.fromJwks(jwk);
        if (candidate != null) {
          candidates.add(candidate);
        }
      }
      return List.copyOf(candidates);
    } catch (IOException | java.text.ParseException e) {
      throw new IllegalStateException("not a JWK set: " + e.getMessage(), e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  @Override
  public void close() {
    schedule.cancel(false);
  }
}
