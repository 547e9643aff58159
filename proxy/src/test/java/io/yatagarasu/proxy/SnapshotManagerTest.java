package io.yatagarasu.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.ConfigException;
import io.yatagarasu.config.ConfigParser;
import io.yatagarasu.config.Environment;
import io.yatagarasu.config.Transport;
import io.yatagarasu.proxy.SnapshotManager.ApplyResult;
import io.yatagarasu.proxy.SnapshotManager.Status;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.pipeline.UpstreamEndpoint;
import io.yatagarasu.proxy.pipeline.Upstreams;
import io.yatagarasu.proxy.s3.CredentialSource;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotManagerTest {
  private static MultiThreadIoEventLoopGroup group;
  private static Upstreams upstreams;
  private static ExecutorService blocking;
  private static CredentialSource chain;
  private ProxyMetrics metrics;
  private SnapshotManager manager;

  private static ProxySnapshot.Services services(ProxyMetrics metrics) {
    return new ProxySnapshot.Services(
        upstreams,
        chain,
        metrics,
        new JwksRegistry(
            blocking, Executors.newSingleThreadScheduledExecutor(), System::currentTimeMillis),
        System::currentTimeMillis);
  }

  @BeforeAll
  static void startLoops() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    upstreams = new Upstreams(group, Transports.select(Transport.NIO));
    blocking = Executors.newSingleThreadExecutor();
    chain = CredentialSource.defaultChain(blocking);
  }

  @AfterAll
  static void stopLoops() {
    upstreams.close();
    group.shutdownGracefully().syncUninterruptibly();
    blocking.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    metrics = new ProxyMetrics();
    manager = new SnapshotManager(services(metrics));
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  private static ConfigDocument doc(String yaml) throws ConfigException {
    return new ConfigParser(Environment.of(Map.of())).parseYamlDocument(yaml);
  }

  private static String bucket(String name, String prefix, int port) {
    return "  - name: "
        + name
        + "\n    pathPrefix: "
        + prefix
        + "\n    s3: { bucket: b-"
        + name
        + ", region: us-east-1, endpoint: \"http://127.0.0.1:"
        + port
        + "\", credentials: { accessKeyId: k, secretAccessKey: s } }\n    auth: { type: public }\n";
  }

  private static final String ONE = "buckets:\n" + bucket("one", "/one", 9001);
  private static final String TWO =
      "buckets:\n" + bucket("one", "/one", 9001) + bucket("two", "/two", 9002);

  private ApplyResult apply(String yaml, long generation) throws ConfigException {
    return manager.apply(doc(yaml), OptionalLong.of(generation), "test");
  }

  @Test
  void appliesANewerGeneration() throws Exception {
    assertThat(apply(ONE, 1).status()).isEqualTo(Status.APPLIED);
    ApplyResult second = apply(TWO, 2);
    assertThat(second.status()).isEqualTo(Status.APPLIED);
    assertThat(second.generation()).isEqualTo(2);
    assertThat(manager.current().routes().match("/two/x")).isNotNull();
  }

  @Test
  void sameContentIsANoOp() throws Exception {
    apply(ONE, 1);
    ProxySnapshot before = manager.current();
    ApplyResult again = apply(ONE, 1);
    assertThat(again.status()).isEqualTo(Status.UNCHANGED);
    assertThat(manager.current()).isSameAs(before);
  }

  @Test
  void sameContentUnderANewerGenerationAdoptsTheGeneration() throws Exception {
    apply(ONE, 3);
    ProxySnapshot before = manager.current();
    ApplyResult again = apply(ONE, 5);
    assertThat(again.status()).isEqualTo(Status.UNCHANGED);
    assertThat(again.generation()).isEqualTo(5);
    assertThat(manager.current()).isSameAs(before);
  }

  @Test
  void rejectsOlderGeneration() throws Exception {
    apply(TWO, 5);
    ApplyResult older = apply(ONE, 4);
    assertThat(older.status()).isEqualTo(Status.STALE);
    assertThat(older.generation()).isEqualTo(5);
    assertThat(older.errors())
        .containsExactly("generation: 4 is not newer than the applied generation 5");
    assertThat(manager.current().routes().match("/two/x")).isNotNull();
  }

  @Test
  void rejectsTheSameGenerationWithOtherContent() throws Exception {
    apply(ONE, 5);
    assertThat(apply(TWO, 5).status()).isEqualTo(Status.STALE);
  }

  @Test
  void failedApplyKeepsTheOldSnapshot() throws Exception {
    apply(ONE, 1);
    ProxySnapshot before = manager.current();
    ApplyResult moved = apply("server: { listen: 127.0.0.1:1234 }\n" + TWO, 2);
    assertThat(moved.status()).isEqualTo(Status.REJECTED);
    assertThat(moved.errors())
        .containsExactly("server.listen: cannot change while the proxy runs (restart to apply)");
    assertThat(manager.current()).isSameAs(before);
    assertThat(before.generation()).isEqualTo(1);
  }

  @Test
  void generationDefaultsToOneMoreThanTheCurrent() throws Exception {
    manager.apply(doc(ONE), OptionalLong.empty(), "file");
    assertThat(manager.current().generation()).isEqualTo(1);
    manager.apply(doc(TWO), OptionalLong.empty(), "file");
    assertThat(manager.current().generation()).isEqualTo(2);
    manager.apply(doc("generation: 9\n" + ONE), OptionalLong.empty(), "file");
    assertThat(manager.current().generation()).isEqualTo(9);
  }

  @Test
  void keepsTheEndpointsBothSnapshotsUse() throws Exception {
    apply(TWO, 1);
    UpstreamEndpoint shared = manager.current().routes().match("/one/x").route().endpoint();
    apply(ONE, 2);
    assertThat(manager.current().routes().match("/one/x").route().endpoint()).isSameAs(shared);
    assertThat(shared.isClosed()).isFalse();
  }

  @Test
  void closesARemovedEndpointOnlyAfterItsLastRequest() throws Exception {
    apply(TWO, 1);
    ProxySnapshot old = manager.acquire(); // a request in flight on the old snapshot
    UpstreamEndpoint removed = old.routes().match("/two/x").route().endpoint();
    apply(ONE, 2);
    assertThat(manager.current().routes().match("/two/x")).isNull();
    assertThat(removed.isClosed()).as("closed while a request still uses it").isFalse();
    old.release();
    assertThat(removed.isClosed()).isTrue();
  }

  @Test
  void aRetiredSnapshotCannotBeAcquired() throws Exception {
    apply(ONE, 1);
    ProxySnapshot first = manager.current();
    apply(TWO, 2);
    assertThat(first.tryRetain()).isFalse();
    ProxySnapshot acquired = manager.acquire();
    assertThat(acquired.generation()).isEqualTo(2);
    acquired.release();
  }

  @Test
  void countsAppliesByResultInMetrics() throws Exception {
    apply(ONE, 1);
    apply(ONE, 1);
    apply(TWO, 1);
    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains("yatagarasu_config_applies_total{result=\"applied\",source=\"test\"} 1.0")
        .contains("yatagarasu_config_applies_total{result=\"unchanged\",source=\"test\"} 1.0")
        .contains("yatagarasu_config_applies_total{result=\"stale\",source=\"test\"} 1.0")
        .contains("yatagarasu_config_generation 1.0")
        .contains("yatagarasu_config_info{hash=\"" + manager.current().hash() + "\"} 1");
  }
}
