package io.yatagarasu.bench;

import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.proxy.s3.S3RequestSigner;
import io.yatagarasu.proxy.s3.S3Target;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 signing of one upstream GET, as the proxy does it per request: the object path is encoded,
 * then the request is signed with static credentials (by the AWS SDK signer, or from the signatures
 * already made during the current second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SigningBenchmark {
  private static final String CONFIG =
      """
      buckets:
        - name: assets
          pathPrefix: /assets
          s3:
            bucket: my-assets
            region: eu-west-1
            credentials:
              accessKeyId: AKIAIOSFODNN7EXAMPLE
              secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
          auth:
            type: public
      """;

  private S3Target target;
  private AwsCredentialsIdentity identity;
  private String key;
  private Map<String, String> rangeHeader;
  private String[] keys;
  private int cursor;

  @Setup
  public void setUp() throws ConfigException {
    target =
        S3Target.of(new ConfigParser(Environment.of(Map.of())).parseYaml(CONFIG).buckets().get(0));
    identity =
        AwsBasicCredentials.create(
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    key = "images/2024/11/product-photo-large.jpg";
    rangeHeader = Map.of("range", "bytes=0-1048575");
    keys = new String[1 << 16];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "images/2024/11/product-photo-" + i + ".jpg";
    }
  }

  /**
   * A plain GET of an object requested again within the same second: the signature the SDK made for
   * it is reused (what a hot object costs).
   */
  @Benchmark
  public Map<String, List<String>> signGet() {
    return S3RequestSigner.sign(
        false, target, target.objectPath(key), Map.of(), Map.of(), identity);
  }

  /** A GET that forwards a Range header, which is signed too; requested again within the second. */
  @Benchmark
  public Map<String, List<String>> signRangeGet() {
    return S3RequestSigner.sign(
        false, target, target.objectPath(key), Map.of(), rangeHeader, identity);
  }

  /**
   * A plain GET of a different object each time (65,536 keys in turn): nearly every call is signed
   * by the SDK, what a request for an object not seen during the current second costs.
   */
  @Benchmark
  public Map<String, List<String>> signGetDistinctObjects() {
    String next = keys[cursor++ & (keys.length - 1)];
    return S3RequestSigner.sign(
        false, target, target.objectPath(next), Map.of(), Map.of(), identity);
  }
}
