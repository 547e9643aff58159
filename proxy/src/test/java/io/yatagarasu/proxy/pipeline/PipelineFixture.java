package io.yatagarasu.proxy.pipeline;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.yatagarasu.config.AdminConfig;
import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ConfigDocument;
import io.yatagarasu.config.JwtAlgorithm;
import io.yatagarasu.config.JwtConfig;
import io.yatagarasu.config.JwtIssuer;
import io.yatagarasu.config.JwtKey;
import io.yatagarasu.config.LoggingConfig;
import io.yatagarasu.config.ProxyConfig;
import io.yatagarasu.config.S3Credentials;
import io.yatagarasu.config.S3Target;
import io.yatagarasu.config.ServerConfig;
import io.yatagarasu.config.TokenSource;
import io.yatagarasu.config.Transport;
import io.yatagarasu.config.UpstreamConfig;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.SnapshotManager;
import io.yatagarasu.proxy.Transports;
import io.yatagarasu.proxy.auth.JwksRegistry;
import io.yatagarasu.proxy.metrics.ProxyMetrics;
import io.yatagarasu.proxy.routing.RoutingTable;
import io.yatagarasu.proxy.s3.CredentialSource;
import java.net.URI;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real snapshot for stage tests: a public bucket {@code /assets}, a bucket {@code /private} that
 * denies every address, and a bucket {@code /signed} that wants a token, all pointing at {@code
 * upstream}; plus the means to build an {@link ObjectRequest} on an {@link EmbeddedChannel}.
 */
final class PipelineFixture implements AutoCloseable {
  final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final ProxyMetrics metrics = new ProxyMetrics();
  final SnapshotManager snapshots;
  final ServerContext server;
  private final Upstreams upstreams = new Upstreams(group, Transports.select(Transport.NIO));
  private final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  PipelineFixture(URI upstream) {
    this(upstream, null);
  }

  /** A fixture whose server uses {@code cache} (configured for this fixture's buckets). */
  PipelineFixture(URI upstream, io.yatagarasu.proxy.cache.ObjectCache cache) {
    S3Target target =
        new S3Target(
            "my-assets",
            "us-east-1",
            upstream,
            true,
            "",
            new S3Credentials("AKIDEXAMPLE", "secret-value", null));
    List<BucketConfig> buckets =
        List.of(
            new BucketConfig("assets", "/assets", target, new AuthConfig(AuthType.PUBLIC)),
            new BucketConfig(
                "private",
                "/private",
                target,
                new AuthConfig(AuthType.PUBLIC),
                List.of(),
                List.of("0.0.0.0/0", "::/0"),
                null,
                null,
                null),
            new BucketConfig("signed", "/signed", target, new AuthConfig(AuthType.JWT)));
    JwtIssuer issuer =
        new JwtIssuer(
            "corp",
            "https://issuer.example",
            List.of(),
            null,
            List.of(new JwtKey("k1", JwtAlgorithm.HS256, null, "0123456789abcdef0123456789abcdef")),
            JwtIssuer.DEFAULT_JWKS_REFRESH);
    ProxyConfig config =
        new ProxyConfig(
            ServerConfig.defaults(),
            AdminConfig.defaults(),
            UpstreamConfig.defaults(),
            LoggingConfig.defaults(),
            new JwtConfig(
                List.of(issuer), JwtConfig.DEFAULT_CLOCK_SKEW, List.of(TokenSource.bearerHeader())),
            buckets);
    snapshots =
        new SnapshotManager(
            new ProxySnapshot.Services(
                upstreams,
                CredentialSource.defaultChain(blocking),
                metrics,
                new JwksRegistry(blocking, scheduler, System::currentTimeMillis),
                System::currentTimeMillis));
    snapshots.apply(new ConfigDocument(config, OptionalLong.empty()), OptionalLong.empty(), "test");
    if (cache != null) {
      cache.configure(true, 1 << 20, io.yatagarasu.proxy.cache.ObjectCache.bucketTargets(config));
    }
    server = new ServerContext(snapshots, metrics, cache);
  }

  /** A client connection with the frontend (and {@code before} in front of it). */
  EmbeddedChannel channel(ChannelHandler... before) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast(before);
    channel.pipeline().addLast(new ProxyFrontendHandler(server));
    return channel;
  }

  /**
   * An object request for {@code path} as admission would hand it on, registered as the
   * connection's current exchange.
   */
  ObjectRequest request(EmbeddedChannel channel, String path, HttpHeaders headers, boolean head) {
    ProxyFrontendHandler frontend = channel.pipeline().get(ProxyFrontendHandler.class);
    ChannelHandlerContext ctx = channel.pipeline().context(frontend);
    ProxySnapshot snapshot = server.acquire();
    RoutingTable.Match<BucketRoute> match = snapshot.routes().match(path);
    server.tryStart(100);
    ObjectRequest request =
        new ObjectRequest(
            frontend,
            ctx,
            server,
            snapshot,
            match.route(),
            path,
            match.key(),
            "",
            headers,
            new ProxyFrontendHandler.RequestInfo(
                "rid-1", "127.0.0.1", head ? "HEAD" : "GET", path, head, System.nanoTime()),
            true);
    frontend.exchangeStarted(request.response());
    return request;
  }

  ObjectRequest request(EmbeddedChannel channel, String path) {
    return request(channel, path, new DefaultHttpHeaders(), false);
  }

  @Override
  public void close() {
    snapshots.close();
    upstreams.close();
    blocking.shutdownNow();
    scheduler.shutdownNow();
    group.shutdownGracefully().syncUninterruptibly();
  }
}
