package io.yatagarasu.bench;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.Transport;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.Transports;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.Upstreams;
import io.yatagarasu.proxy.s3.CredentialSource;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Loading a large configuration: YAML parse with every validation rule, then the snapshot build (S3
 * targets, credential sources, upstream endpoints, routing index, content hash). Buckets spread
 * over 16 S3 endpoints, each with its own static credentials.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class ConfigBenchmark {
  @Param({"10000"})
  public int buckets;

  private String yaml;
  private ProxyConfig config;
  private ConfigParser parser;
  private MultiThreadIoEventLoopGroup group;
  private ExecutorService blocking;
  private Upstreams upstreams;
  private CredentialSource defaultChain;
  private ProxyMetrics metrics;
  private ProxySnapshot.Services services;
  private ProxySnapshot previous;

  @Setup
  public void setUp() throws ConfigException {
    StringBuilder doc = new StringBuilder(buckets * 300 + 200);
    doc.append("logging:\n  accessLog: false\nbuckets:\n");
    for (int i = 0; i < buckets; i++) {
      doc.append("  - name: bucket-")
          .append(i)
          .append("\n    pathPrefix: /tenant-")
          .append(i / 10)
          .append(i % 10 == 0 ? "" : "/b" + i)
          .append("\n    s3:\n      bucket: store-")
          .append(i)
          .append("\n      region: eu-west-1\n      endpoint: http://10.0.")
          .append(i % 16)
          .append(".1:9000\n      pathStyle: true\n      credentials:\n")
          .append("        accessKeyId: AKIA")
          .append(1_000_000 + i)
          .append("\n        secretAccessKey: secret-")
          .append(i)
          .append("\n    auth:\n      type: public\n");
    }
    yaml = doc.toString();
    parser = new ConfigParser(Environment.of(Map.of()));
    config = parser.parseYaml(yaml);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    blocking = Executors.newSingleThreadExecutor();
    upstreams = new Upstreams(group, Transports.select(Transport.NIO));
    defaultChain = CredentialSource.defaultChain(blocking);
    metrics = new ProxyMetrics();
    services =
        new ProxySnapshot.Services(
            upstreams,
            defaultChain,
            metrics,
            new JwksRegistry(
                blocking, Executors.newSingleThreadScheduledExecutor(), System::currentTimeMillis),
            System::currentTimeMillis);
    previous = build(config);
  }

  private ProxySnapshot build(ProxyConfig document) {
    return ProxySnapshot.build(document, 1, "file", previous, services);
  }

  @TearDown
  public void tearDown() {
    defaultChain.close();
    upstreams.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    blocking.shutdownNow();
  }

  /** YAML to a validated {@link ProxyConfig}. */
  @Benchmark
  public ProxyConfig parseAndValidate() throws ConfigException {
    return parser.parseYaml(yaml);
  }

  /** A validated configuration to a ready snapshot. */
  @Benchmark
  public ProxySnapshot buildSnapshot() {
    return build(config);
  }

  /** The whole path from a document to a snapshot, as at start or on a configuration push. */
  @Benchmark
  public ProxySnapshot parseValidateAndBuild() throws ConfigException {
    return build(parser.parseYaml(yaml));
  }
}
