package io.yatagarasu.proxy.s3;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs upstream GET and HEAD requests with SigV4 through the AWS SDK v2 signer. The path is signed
 * exactly as it is sent (S3 rules: no double encoding, no path normalisation) and the payload is
 * declared {@code UNSIGNED-PAYLOAD}, since GET and HEAD carry none.
 */
public final class S3RequestSigner {
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private S3RequestSigner() {}

  /**
   * Returns every header the upstream request must carry: the given ones plus {@code Host}, {@code
   * x-amz-content-sha256}, {@code X-Amz-Date}, {@code Authorization} and, for session credentials,
   * {@code X-Amz-Security-Token}.
   *
   * @param encodedPath the path exactly as it goes on the request line
   * @param query decoded query parameters to send (may be empty)
   * @param headers headers to sign and send (names lowercase)
   */
  public static Map<String, List<String>> sign(
      boolean head,
      S3Target target,
      String encodedPath,
      Map<String, List<String>> query,
      Map<String, String> headers,
      AwsCredentialsIdentity identity) {
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(head ? SdkHttpMethod.HEAD : SdkHttpMethod.GET)
            .protocol(target.scheme())
            .host(target.connectHost())
            .port(target.port())
            .encodedPath(encodedPath)
            .putHeader("Host", target.hostHeader())
            .putHeader("x-amz-content-sha256", UNSIGNED_PAYLOAD);
    query.forEach(request::putRawQueryParameter);
    headers.forEach(request::putHeader);
    SignedRequest signed =
        SIGNER.sign(
            r ->
                r.identity(identity)
                    .request(request.build())
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, target.region())
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
    return signed.request().headers();
  }
}
