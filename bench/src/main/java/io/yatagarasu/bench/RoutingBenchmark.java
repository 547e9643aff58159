package io.yatagarasu.bench;

import io.yatagarasu.proxy.routing.RoutingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Longest-prefix routing of a decoded object path. Every tenth bucket has a nested prefix below
 * another ({@code /tenant-7/archive} under {@code /tenant-7}), so lookups probe two depths as they
 * do in real configurations; the looked-up paths rotate over 1,024 different buckets so that the
 * hash probes are not served from one warm cache line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {
  private static final int PATHS = 1024;

  @Param({"10", "1000", "10000"})
  public int buckets;

  private RoutingTable<String> table;
  private String[] paths;
  private String[] nestedPaths;
  private String[] unmatchedPaths;
  private int next;

  @Setup
  public void setUp() {
    List<String> prefixes = new ArrayList<>(buckets);
    for (int i = 0; prefixes.size() < buckets; i++) {
      prefixes.add("/tenant-" + i);
      if (i % 10 == 0 && prefixes.size() < buckets) {
        prefixes.add("/tenant-" + i + "/archive");
      }
    }
    table = new RoutingTable<>(prefixes, Function.identity());
    int tenants = (int) prefixes.stream().filter(p -> p.indexOf('/', 1) < 0).count();
    paths = new String[PATHS];
    nestedPaths = new String[PATHS];
    unmatchedPaths = new String[PATHS];
    for (int i = 0; i < PATHS; i++) {
      int tenant = (int) ((i * 7919L) % tenants);
      paths[i] = "/tenant-" + tenant + "/images/2024/11/product-" + i + ".jpg";
      nestedPaths[i] = "/tenant-" + (tenant / 10 * 10) + "/archive/2019/report-" + i + ".pdf";
      unmatchedPaths[i] = "/nobody-" + i + "/images/product.jpg";
    }
    for (String[] set : List.of(paths, nestedPaths)) {
      for (String path : set) {
        if (table.match(path) == null) {
          throw new IllegalStateException("no route for " + path);
        }
      }
    }
  }

  private int nextIndex() {
    return next = (next + 1) & (PATHS - 1);
  }

  /** A path below a top-level prefix: the deepest candidate misses, the next one hits. */
  @Benchmark
  public RoutingTable.Match<String> match() {
    return table.match(paths[nextIndex()]);
  }

  /** A path below a nested prefix: the first probe hits. */
  @Benchmark
  public RoutingTable.Match<String> matchNested() {
    return table.match(nestedPaths[nextIndex()]);
  }

  /** No bucket for the path (answered 404): every candidate probe misses. */
  @Benchmark
  public RoutingTable.Match<String> matchNone() {
    return table.match(unmatchedPaths[nextIndex()]);
  }
}
