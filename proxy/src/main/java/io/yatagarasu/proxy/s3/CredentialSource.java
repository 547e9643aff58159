package io.yatagarasu.proxy.s3;

import io.yatagarasu.config.S3Credentials;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Where a bucket's signing credentials come from, without ever blocking an event loop: static keys
 * are always at hand; the AWS default chain (env, web identity/IRSA, container, instance profile)
 * is resolved on a separate executor and cached until shortly before it expires.
 */
public interface CredentialSource extends AutoCloseable {

  /** The credentials to sign with now, or {@code null} when they must be fetched first. */
  AwsCredentialsIdentity current();

  /** Fetches credentials off the calling thread; completes on the fetching thread. */
  CompletableFuture<AwsCredentialsIdentity> fetch();

  @Override
  default void close() {}

  /** The AWS default chain; one per process, since its answer is the same for every bucket. */
  static CredentialSource defaultChain(Executor blockingExecutor) {
    return new ProviderCredentialSource(
        DefaultCredentialsProvider.builder().build(), blockingExecutor);
  }

  /** Fixed keys from the configuration. */
  static CredentialSource of(S3Credentials credentials) {
    AwsCredentialsIdentity identity =
        credentials.sessionToken() == null
            ? AwsCredentialsIdentity.create(
                credentials.accessKeyId(), credentials.secretAccessKey())
            : AwsSessionCredentialsIdentity.create(
                credentials.accessKeyId(),
                credentials.secretAccessKey(),
                credentials.sessionToken());
    return new StaticCredentialSource(identity);
  }

  /** Fixed keys from the configuration. */
  record StaticCredentialSource(AwsCredentialsIdentity identity) implements CredentialSource {
    @Override
    public AwsCredentialsIdentity current() {
      return identity;
    }

    @Override
    public CompletableFuture<AwsCredentialsIdentity> fetch() {
      return CompletableFuture.completedFuture(identity);
    }
  }

  /** An SDK provider, called only on {@code executor}; its answer is cached until near expiry. */
  final class ProviderCredentialSource implements CredentialSource {
    private static final long REFRESH_BEFORE_EXPIRY_MILLIS = 5 * 60_000L;
    private static final long REFRESH_WITHOUT_EXPIRY_MILLIS = 5 * 60_000L;

    private final AwsCredentialsProvider provider;
    private final Executor executor;
    private volatile Cached cached;
    private volatile CompletableFuture<AwsCredentialsIdentity> inFlight;

    private record Cached(AwsCredentialsIdentity identity, long refreshAtMillis) {}

    public ProviderCredentialSource(AwsCredentialsProvider provider, Executor executor) {
      this.provider = provider;
      this.executor = executor;
    }

    @Override
    public AwsCredentialsIdentity current() {
      Cached c = cached;
      if (c == null) {
        return null;
      }
      if (System.currentTimeMillis() >= c.refreshAtMillis()) {
        fetch(); // refresh in the background; the cached keys stay valid until they expire
      }
      return c.identity();
    }

    @Override
    public synchronized CompletableFuture<AwsCredentialsIdentity> fetch() {
      CompletableFuture<AwsCredentialsIdentity> running = inFlight;
      if (running != null && !running.isDone()) {
        return running;
      }
      CompletableFuture<AwsCredentialsIdentity> next =
          CompletableFuture.supplyAsync(
              () -> {
                AwsCredentials credentials = provider.resolveCredentials();
                long now = System.currentTimeMillis();
                long refreshAt =
                    credentials
                        .expirationTime()
                        .map(t -> t.toEpochMilli() - REFRESH_BEFORE_EXPIRY_MILLIS)
                        .orElse(now + REFRESH_WITHOUT_EXPIRY_MILLIS);
                cached = new Cached(credentials, Math.max(refreshAt, now + 10_000L));
                return (AwsCredentialsIdentity) credentials;
              },
              executor);
      inFlight = next;
      return next;
    }

    @Override
    public void close() {
      if (provider instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // closing a credentials provider has nothing left to report
        }
      }
    }
  }
}
