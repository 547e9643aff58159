package io.yatagarasu.bench;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.Transport;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.Transports;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.Upstreams;
import io.yatagarasu.proxy.s3.CredentialSource;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A hot swap as {@code PUT /admin/config} does it after parsing: content hash, building the whole
 * snapshot (routing index, endpoints, credential sources, meters), and publishing it. Two documents
 * alternate, so every apply builds a new snapshot; their 10 S3 endpoints carry over.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SwapBenchmark {
  @Param({"1000", "10000"})
  public int buckets;

  private MultiThreadIoEventLoopGroup group;
  private ExecutorService blocking;
  private ScheduledExecutorService scheduler;
  private Upstreams upstreams;
  private SnapshotManager manager;
  private ConfigDocument[] documents;
  private long generation;

  @Setup
  public void setUp() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    blocking = Executors.newCachedThreadPool();
    scheduler = Executors.newSingleThreadScheduledExecutor();
    upstreams = new Upstreams(group, Transports.select(Transport.NIO));
    manager =
        new SnapshotManager(
            new ProxySnapshot.Services(
                upstreams,
                CredentialSource.defaultChain(blocking),
                new ProxyMetrics(),
                new JwksRegistry(blocking, scheduler, System::currentTimeMillis),
                System::currentTimeMillis));
    ConfigParser parser = new ConfigParser(Environment.of(Map.of()));
    documents =
        new ConfigDocument[] {
          parser.parseYamlDocument(yaml("a")), parser.parseYamlDocument(yaml("b"))
        };
  }

  private String yaml(String variant) {
    StringBuilder b = new StringBuilder("buckets:\n");
    for (int i = 0; i < buckets; i++) {
      b.append("  - name: bucket-")
          .append(i)
          .append("\n    pathPrefix: /tenant-")
          .append(i)
          .append("\n    s3: { bucket: data-")
          .append(variant)
          .append('-')
          .append(i)
          .append(", region: eu-west-1, endpoint: \"http://10.0.0.")
          .append(i % 10)
          .append(":9000\", credentials: { accessKeyId: AKIA")
          .append(i)
          .append(", secretAccessKey: secret-")
          .append(i)
          .append(" } }\n    auth: { type: public }\n");
    }
    return b.toString();
  }

  @TearDown
  public void tearDown() {
    manager.close();
    upstreams.close();
    group.shutdownGracefully();
    blocking.shutdownNow();
    scheduler.shutdownNow();
  }

  @Benchmark
  public SnapshotManager.ApplyResult applySnapshot() {
    generation++;
    SnapshotManager.ApplyResult result =
        manager.apply(documents[(int) (generation & 1)], OptionalLong.of(generation), "bench");
    if (result.status() != SnapshotManager.Status.APPLIED) {
      throw new IllegalStateException("not applied: " + result);
    }
    return result;
  }
}
