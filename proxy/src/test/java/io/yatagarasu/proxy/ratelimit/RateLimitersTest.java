package io.yatagarasu.proxy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitersTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private static ProxyConfig config(RateLimitsConfig limits, RateLimit bucketLimit) {
    return new ProxyConfig(
        ServerConfig.defaults(),
        AdminConfig.defaults(),
        UpstreamConfig.defaults(),
        LoggingConfig.defaults(),
        JwtConfig.defaults(),
        limits,
        List.of(
            new BucketConfig(
                "b",
                "/b",
                new S3Target("bucket-b", "r", null, false, "", null),
                AuthConfig.publicAccess(),
                List.of(),
                List.of(),
                null,
                bucketLimit)));
  }

  private static final byte[] CLIENT = {10, 0, 0, 1};

  @Test
  void refillsAtTheConfiguredRateUpToTheBurst() {
    RateLimiters limiters = new RateLimiters(now::get);
    RateLimiters.Limits limits =
        limiters.forConfig(
            config(new RateLimitsConfig(new RateLimit(2, 3), null, null, 100), null));
    for (int i = 0; i < 3; i++) {
      assertThat(limits.admit("b", CLIENT)).isNull();
    }
    RateLimiters.Refusal refused = limits.admit("b", CLIENT);
    assertThat(refused.scope()).isEqualTo("global");
    assertThat(refused.retryAfterNanos()).isEqualTo(500_000_000L);
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    now.addAndGet(500_000_000L);
    assertThat(limits.admit("b", CLIENT)).isNull();
    assertThat(limits.admit("b", CLIENT)).isNotNull();
    now.addAndGet(10_000_000_000L); // a long pause refills only up to the burst
    for (int i = 0; i < 3; i++) {
      assertThat(limits.admit("b", CLIENT)).isNull();
    }
    assertThat(limits.admit("b", CLIENT)).isNotNull();
  }

  @Test
  void limitsEachClientAndEachSubjectOnItsOwn() {
    RateLimiters.Limits limits =
        new RateLimiters(now::get)
            .forConfig(
                config(
                    new RateLimitsConfig(null, new RateLimit(1, 1), new RateLimit(1, 2), 100),
                    null));
    assertThat(limits.admit("b", CLIENT)).isNull();
    assertThat(limits.admit("b", CLIENT).scope()).isEqualTo("client");
    assertThat(limits.admit("b", new byte[] {10, 0, 0, 2})).isNull();
    assertThat(limits.admitSubject("corp", "alice")).isNull();
    assertThat(limits.admitSubject("corp", "alice")).isNull();
    assertThat(limits.admitSubject("corp", "alice").scope()).isEqualTo("subject");
    assertThat(limits.admitSubject("corp", "bob")).isNull();
    assertThat(limits.admitSubject("other", "alice")).isNull();
  }

  @Test
  void aBucketLimitAppliesToItsBucketOnly() {
    RateLimiters.Limits limits =
        new RateLimiters(now::get).forConfig(config(RateLimitsConfig.none(), new RateLimit(1, 1)));
    assertThat(limits.admit("b", CLIENT)).isNull();
    assertThat(limits.admit("b", CLIENT).scope()).isEqualTo("bucket");
    assertThat(limits.admit("other", CLIENT)).isNull();
  }

  @Test
  void aSwapKeepsTheTokensOfUnchangedLimits() {
    RateLimiters limiters = new RateLimiters(now::get);
    RateLimitsConfig global = new RateLimitsConfig(new RateLimit(1, 1), null, null, 100);
    RateLimiters.Limits first = limiters.forConfig(config(global, new RateLimit(1, 1)));
    assertThat(first.admit("b", CLIENT)).isNull();
    // Same limits: the spent tokens stay spent.
    RateLimiters.Limits same = limiters.forConfig(config(global, new RateLimit(1, 1)));
    assertThat(same.admit("b", CLIENT)).isNotNull();
    // A changed bucket limit starts afresh; the unchanged global one still has no token.
    RateLimiters.Limits changed = limiters.forConfig(config(global, new RateLimit(5, 5)));
    assertThat(changed.admit("b", CLIENT).scope()).isEqualTo("global");
  }

  @Test
  void aHundredThousandClientsDoNotGrowMemoryWithoutBound() {
    RateLimiters.Limits limits =
        new RateLimiters(now::get)
            .forConfig(
                config(new RateLimitsConfig(null, new RateLimit(10, 10), null, 1_000), null));
    for (int i = 0; i < 100_000; i++) {
      byte[] address = {(byte) 100, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
      assertThat(limits.admit("b", address)).isNull();
    }
    assertThat(limits.trackedClients()).isLessThanOrEqualTo(1_000);
  }
}
