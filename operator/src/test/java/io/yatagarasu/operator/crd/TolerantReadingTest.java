package io.yatagarasu.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** Reading CRs the way the informers do, with fields and values this version does not know. */
class TolerantReadingTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static S3ProxyBucket bucket(String spec) {
    return JSON.unmarshal(
        """
        {"apiVersion": "yatagarasu.io/v1alpha1", "kind": "S3ProxyBucket",
         "metadata": {"name": "photos", "namespace": "apps"},
         "spec": %s,
         "status": {"observedGeneration": 3, "futureStatus": {"x": 1}}}
        """
            .formatted(spec),
        S3ProxyBucket.class);
  }

  @Test
  void unknownFieldsAreSkippedAndNamedWhileKnownFieldsAreRead() {
    S3ProxyBucket bucket =
        bucket(
            """
            {"proxyRef": {"name": "edge"}, "pathPrefix": "/photos",
             "futureField": {"enabled": true},
             "s3": {"bucket": "photos", "region": "us-east-1", "storageHint": "fast"},
             "auth": {"type": "jwt", "claims": [{"claim": "org", "operator": "equals",
                                                 "value": "acme", "caseFold": true}]},
             "credentials": {"podIdentity": true}}
            """);

    assertThat(bucket.getMetadata().getName()).isEqualTo("photos");
    assertThat(bucket.getSpec().getPathPrefix()).isEqualTo("/photos");
    assertThat(bucket.getSpec().getS3().getBucket()).isEqualTo("photos");
    assertThat(bucket.getSpec().getAuth().getClaims().get(0).getValue()).isEqualTo("acme");
    assertThat(bucket.getSpec().reading().unknownFields())
        .containsExactly("spec.auth.claims[0].caseFold", "spec.futureField", "spec.s3.storageHint");
    assertThat(bucket.getSpec().reading().unreadable()).isEmpty();
    assertThat(bucket.getStatus().getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void aWrongTypeIsNamedAndTheRestIsStillRead() {
    S3ProxyBucket bucket =
        bucket(
            """
            {"proxyRef": {"name": "edge"}, "pathPrefix": "/photos",
             "s3": {"bucket": "photos", "region": "us-east-1", "pathStyle": "sometimes"},
             "ipAllow": [{"cidr": "10.0.0.0/8"}],
             "credentials": {"podIdentity": true}}
            """);

    assertThat(bucket.getSpec().getProxyRef().getName()).isEqualTo("edge");
    assertThat(bucket.getSpec().getS3().getBucket()).isEqualTo("photos");
    assertThat(bucket.getSpec().getIpAllow()).isNull();
    assertThat(bucket.getSpec().reading().unreadable())
        .containsExactlyInAnyOrder(
            "spec.s3.pathStyle: cannot read the string \"sometimes\" as true or false",
            "spec.ipAllow[0]: cannot read an object as a string");
  }

  @Test
  void anUnknownEnumValueNamesTheValuesThisVersionKnows() {
    S3ProxyBucket bucket =
        bucket(
            """
            {"proxyRef": {"name": "edge"}, "pathPrefix": "/photos",
             "s3": {"bucket": "photos", "region": "us-east-1"},
             "auth": {"type": "oidc"}, "credentials": {"podIdentity": true}}
            """);

    assertThat(bucket.getSpec().reading().unreadable())
        .containsExactly(
            "spec.auth.type: the string \"oidc\" is not a value this operator version knows"
                + " (expected one of: public, jwt)");
    assertThat(bucket.getSpec().getAuth().getType()).isNull();
  }

  @Test
  void aSpecThatIsNotAnObjectIsReadAsEmpty() {
    S3ProxyBucket bucket = bucket("\"edge\"");

    assertThat(bucket.getMetadata().getName()).isEqualTo("photos");
    assertThat(bucket.getSpec().getProxyRef()).isNull();
    assertThat(bucket.getSpec().reading().unreadable())
        .containsExactly("spec: cannot read the string \"edge\" as an object");
  }

  @Test
  void aFleetWithAWrongTypeKeepsItsOtherSettings() {
    S3ProxyConfig fleet =
        JSON.unmarshal(
            """
            {"apiVersion": "yatagarasu.io/v1alpha1", "kind": "S3ProxyConfig",
             "metadata": {"name": "edge", "namespace": "apps"},
             "spec": {"replicas": "three", "image": "proxy:1",
                      "resources": {"limits": {"cpu": "1"}},
                      "jwt": {"issuers": [{"name": "main", "issuer": "https://id",
                                           "dpop": {"required": true}}]}}}
            """,
            S3ProxyConfig.class);

    assertThat(fleet.getSpec().getReplicas()).isNull();
    assertThat(fleet.getSpec().getImage()).isEqualTo("proxy:1");
    assertThat(fleet.getSpec().getResources().getLimits()).containsKey("cpu");
    assertThat(fleet.getSpec().reading().unreadable())
        .containsExactly("spec.replicas: cannot read the string \"three\" as an integer");
    assertThat(fleet.getSpec().reading().unknownFields())
        .containsExactly("spec.jwt.issuers[0].dpop");
  }

  @Test
  void anUnknownFieldBesideSpecAndStatusDoesNotFailTheRead() {
    S3ProxyBucket bucket =
        JSON.unmarshal(
            """
            {"apiVersion": "yatagarasu.io/v1alpha1", "kind": "S3ProxyBucket",
             "metadata": {"name": "photos", "namespace": "apps"},
             "spec": {"pathPrefix": "/photos"},
             "futureTopLevel": {"x": 1}}
            """,
            S3ProxyBucket.class);

    assertThat(bucket.getMetadata().getName()).isEqualTo("photos");
    assertThat(bucket.getSpec().getPathPrefix()).isEqualTo("/photos");
  }

  @Test
  void aCleanSpecRoundTripsUnchanged() {
    S3ProxyBucket bucket =
        bucket(
            """
            {"proxyRef": {"name": "edge"}, "pathPrefix": "/photos",
             "s3": {"bucket": "photos", "region": "us-east-1"},
             "credentials": {"podIdentity": true}}
            """);

    assertThat(bucket.getSpec().reading().clean()).isTrue();
    String json = JSON.asJson(bucket.getSpec());
    assertThat(json)
        .isEqualTo(
            "{\"proxyRef\":{\"name\":\"edge\"},\"pathPrefix\":\"/photos\",\"s3\":{\"bucket\":"
                + "\"photos\",\"region\":\"us-east-1\"},\"credentials\":{\"podIdentity\":true}}");
  }
}
