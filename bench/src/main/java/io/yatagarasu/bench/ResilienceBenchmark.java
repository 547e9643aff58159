package io.yatagarasu.bench;

import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.JwtConfig;
import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.RateLimit;
import io.yatagarasu.config.RateLimitsConfig;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.pipeline.CircuitBreaker;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.proxy.ratelimit.RateLimiters;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What rate limiting and circuit breaking add to every request: the global, bucket and per-client
 * token buckets taken together (limits high enough never to refuse), and a breaker permit with its
 * success report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResilienceBenchmark {
  private RateLimiters.Limits limits;
  private CircuitBreaker breaker;
  private byte[][] clients;
  private int next;

  @Setup
  public void setUp() {
    RateLimit generous = new RateLimit(1_000_000, 10_000_000);
    ProxyConfig config =
        new ProxyConfig(
            ServerConfig.defaults(),
            AdminConfig.defaults(),
            UpstreamConfig.defaults(),
            LoggingConfig.defaults(),
            JwtConfig.defaults(),
            new RateLimitsConfig(generous, generous, null, 100_000),
            List.of(
                new BucketConfig(
                    "b",
                    "/b",
                    new S3Target("bucket-b", "eu-west-1", null, false, "", null),
                    AuthConfig.publicAccess(),
                    List.of(),
                    List.of(),
                    null,
                    generous)));
    limits = new RateLimiters(System::nanoTime).forConfig(config);
    clients = new byte[1024][];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = new byte[] {10, 0, (byte) (i >> 8), (byte) i};
    }
    UpstreamEndpoint endpoint =
        new io.yatagarasu.proxy.pipeline.Upstreams(
                new io.netty.channel.MultiThreadIoEventLoopGroup(
                    1, io.netty.channel.nio.NioIoHandler.newFactory()),
                io.yatagarasu.proxy.Transports.select(io.yatagarasu.config.Transport.NIO))
            .endpoint(
                io.yatagarasu.proxy.s3.S3Target.of(config.buckets().get(0)), config.upstream());
    breaker = endpoint.breaker();
  }

  /** Global, bucket and per-client limits for one request, over 1,024 client addresses. */
  @Benchmark
  public RateLimiters.Refusal rateLimits() {
    return limits.admit("b", clients[next = (next + 1) & 1023]);
  }

  /** A breaker permit and its success report. */
  @Benchmark
  public boolean circuitBreaker() {
    boolean allowed = breaker.tryAcquire();
    breaker.onSuccess();
    return allowed;
  }
}
