package io.yatagarasu.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.config.AuthConfig;
import io.yatagarasu.config.AuthType;
import io.yatagarasu.config.BucketConfig;
import io.yatagarasu.config.ClaimOperator;
import io.yatagarasu.config.ClaimRule;
import io.yatagarasu.config.PathClaim;
import io.yatagarasu.config.S3Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Address lists, address literals and bucket policies. */
class AccessRulesTest {

  private static byte[] ip(String literal) {
    return IpRules.parseLiteral(literal);
  }

  @Test
  void allowAndDenyListsWithIpv4AndIpv6() {
    IpRules rules =
        IpRules.of(
            List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.1.2.3", "2001:db8:dead::/48"));
    assertThat(rules.allows(ip("10.9.9.9"))).isTrue();
    assertThat(rules.allows(ip("10.1.2.3"))).isFalse();
    assertThat(rules.allows(ip("11.0.0.1"))).isFalse();
    assertThat(rules.allows(ip("2001:db8::1"))).isTrue();
    assertThat(rules.allows(ip("2001:db8:dead::1"))).isFalse();
    assertThat(rules.allows(ip("::ffff:10.4.4.4"))).as("IPv4-mapped").isTrue();
    assertThat(IpRules.of(List.of(), List.of("192.168.0.0/16")).allows(ip("192.168.7.7")))
        .isFalse();
    assertThat(IpRules.of(List.of(), List.of()).allows(ip("203.0.113.9"))).isTrue();
    assertThat(IpRules.of(List.of("10.0.0.0/9"), List.of()).allows(ip("10.128.0.1"))).isFalse();
  }

  @Test
  void parsesOnlyLiteralsWithoutNameLookups() {
    assertThat(IpRules.parseLiteral("localhost")).isNull();
    assertThat(IpRules.parseLiteral("example.com")).isNull();
    assertThat(IpRules.parseLiteral(" 10.0.0.1 ")).containsExactly(10, 0, 0, 1);
    assertThat(IpRules.parseLiteral("[::1]")).hasSize(16);
    assertThat(IpRules.parseLiteral("unknown")).isNull();
    assertThat(IpRules.parseLiteral("999.1.1.1")).as("no lookup of a bad quad").isNull();
    assertThat(IpRules.parseLiteral("1.2.3")).isNull();
    assertThat(IpRules.parseLiteral("1:2:3:4:5:6:7:8:9")).as("no lookup of a bad IPv6").isNull();
    assertThat(IpRules.parseLiteral("2001:db8::1")).hasSize(16);
  }

  private static BucketPolicy policy(List<ClaimRule> claims, PathClaim pathClaim) {
    return BucketPolicy.of(
        new BucketConfig(
            "reports",
            "/reports",
            new S3Target("reports", "eu-west-1", null, false, "", null),
            new AuthConfig(AuthType.JWT, List.of(), claims, pathClaim)));
  }

  private static VerifiedToken token(Map<String, Object> claims) {
    return new VerifiedToken("corp", "user-1", claims, Long.MAX_VALUE);
  }

  @Test
  void everyClaimRuleMustHold() {
    BucketPolicy policy =
        policy(
            List.of(
                new ClaimRule("groups", ClaimOperator.CONTAINS, List.of("finance")),
                new ClaimRule("tenant", ClaimOperator.EQUALS, List.of("acme"))),
            null);
    assertThat(policy.requiresToken()).isTrue();
    assertThat(
            policy.check(
                token(Map.of("groups", List.of("finance"), "tenant", "acme")), "/reports/x"))
        .isEqualTo(BucketPolicy.Decision.ALLOW);
    assertThat(
            policy.check(
                token(Map.of("groups", List.of("finance"), "tenant", "evil")), "/reports/x"))
        .isEqualTo(BucketPolicy.Decision.CLAIMS);
  }

  @Test
  void aPathClaimConfinesTheTokenToItsFolder() {
    BucketPolicy policy = policy(List.of(), new PathClaim("tenant", "/reports/{claim}/"));
    VerifiedToken acme = token(Map.of("tenant", "acme"));
    assertThat(policy.check(acme, "/reports/acme/q3.csv")).isEqualTo(BucketPolicy.Decision.ALLOW);
    assertThat(policy.check(acme, "/reports/other/q3.csv")).isEqualTo(BucketPolicy.Decision.PATH);
    assertThat(policy.check(acme, "/reports/acme-evil/q3.csv"))
        .isEqualTo(BucketPolicy.Decision.PATH);
    for (Object hostile : List.of("..", ".", "a/b", "", List.of("acme"))) {
      assertThat(policy.check(token(Map.of("tenant", hostile)), "/reports/../x"))
          .as(String.valueOf(hostile))
          .isEqualTo(BucketPolicy.Decision.PATH);
    }
    assertThat(policy.check(token(Map.of()), "/reports/acme/x"))
        .isEqualTo(BucketPolicy.Decision.PATH);
  }

  @Test
  void publicBucketsNeedNoToken() {
    BucketPolicy policy =
        BucketPolicy.of(
            new BucketConfig(
                "p",
                "/p",
                new S3Target("public-b", "r", null, false, "", null),
                AuthConfig.publicAccess()));
    assertThat(policy.requiresToken()).isFalse();
    assertThat(policy.allowsAddress(ip("8.8.8.8"))).isTrue();
  }
}
