package io.yatagarasu.operator.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Clients fetching URLs in a loop, bounded in time, recording every failed answer. */
final class Load implements AutoCloseable {
  /** A failed request: when it ended (System.nanoTime) and its status (-1: no answer). */
  record Failure(long atNanos, String url, int status) {}

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong requests = new AtomicLong();
  private final List<Failure> failures = new ArrayList<>();
  private final ExecutorService clients;
  private final List<Future<?>> workers = new ArrayList<>();

  Load(List<String> urls, int threads, long maxSeconds) {
    this(urls, threads, maxSeconds, Fleets::status);
  }

  /** Clients answering each URL's status through {@code fetch} (-1: no answer). */
  Load(
      List<String> urls,
      int threads,
      long maxSeconds,
      java.util.function.ToIntFunction<String> fetch) {
    clients = Executors.newFixedThreadPool(threads);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    for (int t = 0; t < threads; t++) {
      int offset = t;
      workers.add(
          clients.submit(
              () -> {
                int i = offset;
                while (running.get() && System.nanoTime() < deadline) {
                  String url = urls.get(i++ % urls.size());
                  int status = fetch.applyAsInt(url);
                  requests.incrementAndGet();
                  if (status != 200) {
                    synchronized (failures) {
                      failures.add(new Failure(System.nanoTime(), url, status));
                    }
                  }
                }
              }));
    }
  }

  long requests() {
    return requests.get();
  }

  List<Failure> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  @Override
  public void close() throws Exception {
    running.set(false);
    for (Future<?> worker : workers) {
      worker.get(30, TimeUnit.SECONDS);
    }
    clients.shutdownNow();
  }
}
