package io.yatagarasu.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.pipeline.ErrorResponses;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Rendering an error response (404 NoSuchKey) into a pooled buffer, released after each call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ErrorRenderingBenchmark {
  public String requestId = "4f1c2b7e9a0d4e6f8b3c5a7d9e1f2a3b";
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

  @Benchmark
  public int renderNoSuchKey() {
    FullHttpResponse response =
        ErrorResponses.render(alloc, ProxyError.NO_SUCH_KEY, requestId, false);
    int length = response.content().readableBytes();
    response.release();
    return length;
  }

  @Benchmark
  public String bodyOnly() {
    return ErrorResponses.body(ProxyError.NO_SUCH_KEY, requestId);
  }
}
