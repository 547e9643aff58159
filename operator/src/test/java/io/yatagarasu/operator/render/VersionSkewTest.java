package io.yatagarasu.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.operator.crd.S3ProxyBucketSpec;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import io.yatagarasu.operator.crd.SpecReading;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which unknown fields an older operator ignores and which refuse the object. */
class VersionSkewTest {
  private static VersionSkew bucket(List<String> unknown, List<String> unreadable) {
    S3ProxyBucketSpec spec = new S3ProxyBucketSpec();
    spec.reading(new SpecReading(unknown, unreadable));
    return VersionSkew.of(spec, VersionSkew.BUCKET_GUARDED);
  }

  private static VersionSkew fleet(List<String> unknown) {
    S3ProxyConfigSpec spec = new S3ProxyConfigSpec();
    spec.reading(new SpecReading(unknown, List.of()));
    return VersionSkew.of(spec, VersionSkew.FLEET_GUARDED);
  }

  @Test
  void unknownFieldsOutsideTheGuardedBlocksAreIgnored() {
    VersionSkew skew = bucket(List.of("spec.futureField", "spec.s3.storageHint"), List.of());

    assertThat(skew.refuses()).isFalse();
    assertThat(skew.ignored()).containsExactly("spec.futureField", "spec.s3.storageHint");
    assertThat(skew.message())
        .isEqualTo(
            "fields not known to this operator version are ignored: spec.futureField,"
                + " spec.s3.storageHint; everything else is applied; upgrade the operator to the"
                + " release that added them");
  }

  @Test
  void anUnknownFieldInsideAuthCredentialsOrProxyRefRefusesTheBucket() {
    for (String field :
        List.of(
            "spec.auth.claims[0].caseFold", "spec.credentials.roleArn", "spec.proxyRef.cluster")) {
      VersionSkew skew = bucket(List.of(field), List.of());

      assertThat(skew.refuses()).as(field).isTrue();
      assertThat(skew.reason()).isEqualTo(Reason.UnknownFields);
      assertThat(skew.refusal()).as(field).contains(field + " (in spec.");
    }
  }

  @Test
  void aFieldNamedLikeAGuardedBlockIsNotInsideIt() {
    VersionSkew skew = bucket(List.of("spec.authorization"), List.of());

    assertThat(skew.refuses()).isFalse();
  }

  @Test
  void anUnreadableValueRefusesWhateverItsBlock() {
    VersionSkew skew =
        bucket(List.of("spec.futureField"), List.of("spec.s3.pathStyle: cannot read 1 as x"));

    assertThat(skew.refuses()).isTrue();
    assertThat(skew.reason()).isEqualTo(Reason.Unreadable);
    assertThat(skew.message())
        .startsWith("this operator version cannot read spec.s3.pathStyle: cannot read 1 as x;")
        .contains("ignored: spec.futureField");
  }

  @Test
  void fleetSecurityBlocksRefuseAndTuningBlocksAreIgnored() {
    for (String field :
        List.of(
            "spec.jwt.issuers[0].dpop",
            "spec.bucketNamespaces.deny",
            "spec.server.tls",
            "spec.service.loadBalancerSourceRanges")) {
      assertThat(fleet(List.of(field)).refuses()).as(field).isTrue();
    }
    for (String field :
        List.of("spec.futureField", "spec.upstream.newTimeout", "spec.logging.level")) {
      assertThat(fleet(List.of(field)).refuses()).as(field).isFalse();
    }
  }

  @Test
  void aCleanSpecHasNoSkew() {
    assertThat(VersionSkew.of(new S3ProxyBucketSpec(), VersionSkew.BUCKET_GUARDED).none()).isTrue();
  }
}
