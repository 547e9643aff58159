package io.yatagarasu.proxy.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The JWKS sources of a running proxy, one per URL and refresh interval, kept across configuration
 * swaps so that a new snapshot does not refetch keys it already has.
 */
public final class JwksRegistry implements AutoCloseable {
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier clock;
  private final Map<String, JwksSource> sources = new ConcurrentHashMap<>();

  public JwksRegistry(Executor executor, ScheduledExecutorService scheduler, LongSupplier clock) {
    this.http =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.scheduler = scheduler;
    this.clock = clock;
  }

  JwksSource source(URI url, Duration refreshInterval) {
    return sources.computeIfAbsent(
        key(url, refreshInterval),
        k -> new JwksSource(url, refreshInterval, http, scheduler, clock));
  }

  /** Stops refreshing the sources no configuration uses any more. */
  public void retainOnly(Set<String> inUse) {
    sources
        .entrySet()
        .removeIf(
            e -> {
              if (inUse.contains(e.getKey())) {
                return false;
              }
              e.getValue().close();
              return true;
            });
  }

  static String key(URI url, Duration refreshInterval) {
    return url + " " + refreshInterval.toMillis();
  }

  @Override
  public void close() {
    sources.values().forEach(JwksSource::close);
    sources.clear();
  }
}
