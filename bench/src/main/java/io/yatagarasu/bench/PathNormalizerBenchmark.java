package io.yatagarasu.bench;

import io.yatagarasu.proxy.routing.PathNormalizer;
import io.yatagarasu.proxy.routing.PathNormalizer.InvalidPathException;
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

/** Decoding and checking the request path: the common plain path and a percent-encoded one. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PathNormalizerBenchmark {
  public String plain = "/assets/images/2024/11/product-photo-large.jpg";
  public String encoded = "/assets/caf%C3%A9/summer%202024/r%C3%A9sum%C3%A9%20%2B%20notes.pdf";
  public String uriWithQuery = "/assets/images/2024/11/product-photo-large.jpg?versionId=3HL4kqt";

  @Benchmark
  public String plain() throws InvalidPathException {
    return PathNormalizer.normalize(plain);
  }

  @Benchmark
  public String percentEncoded() throws InvalidPathException {
    return PathNormalizer.normalize(encoded);
  }

  /** What the frontend does per request: cut the query off, then normalise. */
  @Benchmark
  public String rawPathThenNormalize() throws InvalidPathException {
    return PathNormalizer.normalize(PathNormalizer.rawPath(uriWithQuery));
  }
}
