package io.yatagarasu.proxy.s3;

import io.netty.util.concurrent.FastThreadLocal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Signs upstream GET and HEAD requests with SigV4 through the AWS SDK v2 signer. The path is signed
 * exactly as it is sent (S3 rules: no double encoding, no path normalisation) and the payload is
 * declared {@code UNSIGNED-PAYLOAD}, since GET and HEAD carry none.
 *
 * <p>A SigV4 signature is a pure function of the request, the credentials, the region and the
 * signing time, and {@code X-Amz-Date} has a resolution of one second. Requests are therefore
 * signed at the start of the current second, and each thread keeps the signatures it made during
 * that second (at most {@value #MEMO_ENTRIES}): the same object requested again within the second,
 * with the same forwarded headers and credentials, is sent with the signature the SDK already
 * computed instead of signing anew. The memo is dropped as soon as the second changes.
 */
public final class S3RequestSigner {
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  static final int MEMO_ENTRIES = 1024;
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
  private static final FastThreadLocal<Memo> MEMO =
      new FastThreadLocal<>() {
        @Override
        protected Memo initialValue() {
          return new Memo();
        }
      };

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
    return sign(
        head, target, encodedPath, query, headers, identity, System.currentTimeMillis() / 1000);
  }

  /** As {@link #sign(boolean, S3Target, String, Map, Map, AwsCredentialsIdentity)}, at a time. */
  static Map<String, List<String>> sign(
      boolean head,
      S3Target target,
      String encodedPath,
      Map<String, List<String>> query,
      Map<String, String> headers,
      AwsCredentialsIdentity identity,
      long epochSecond) {
    return signature(head, target, encodedPath, query, headers, identity, epochSecond).headers;
  }

  /**
   * As {@link #sign(boolean, S3Target, String, Map, Map, AwsCredentialsIdentity)}, turned into what
   * the caller sends by {@code wire} (a function of the signed headers alone, which must not
   * capture anything per request). The result is kept with the signature and handed to every
   * request signed the same within the second: the caller must never modify it.
   */
  public static <T> T signFor(
      boolean head,
      S3Target target,
      String encodedPath,
      Map<String, List<String>> query,
      Map<String, String> headers,
      AwsCredentialsIdentity identity,
      Function<Map<String, List<String>>, T> wire) {
    Signature signature =
        signature(
            head, target, encodedPath, query, headers, identity, System.currentTimeMillis() / 1000);
    Object built = signature.wire;
    if (built == null || signature.wireOf != wire) {
      built = wire.apply(signature.headers);
      signature.wire = built;
      signature.wireOf = wire;
    }
    @SuppressWarnings("unchecked")
    T result = (T) built;
    return result;
  }

  private static Signature signature(
      boolean head,
      S3Target target,
      String encodedPath,
      Map<String, List<String>> query,
      Map<String, String> headers,
      AwsCredentialsIdentity identity,
      long epochSecond) {
    Memo memo = MEMO.get();
    if (memo.second != epochSecond) {
      memo.second = epochSecond;
      memo.signed.clear();
    }
    String sessionToken =
        identity instanceof AwsSessionCredentialsIdentity session ? session.sessionToken() : null;
    MemoKey key =
        new MemoKey(
            head,
            target,
            encodedPath,
            query,
            headers,
            identity.accessKeyId(),
            identity.secretAccessKey(),
            sessionToken);
    Signature signed = memo.signed.get(key);
    if (signed == null) {
      signed =
          new Signature(signNow(head, target, encodedPath, query, headers, identity, epochSecond));
      if (memo.signed.size() < MEMO_ENTRIES) {
        memo.signed.put(key, signed);
      }
    }
    return signed;
  }

  /** Signatures the calling thread keeps for the current second. */
  static int memoSize() {
    return MEMO.get().signed.size();
  }

  /** Signs through the SDK, as of the given second, without the memo. */
  static Map<String, List<String>> signNow(
      boolean head,
      S3Target target,
      String encodedPath,
      Map<String, List<String>> query,
      Map<String, String> headers,
      AwsCredentialsIdentity identity,
      long epochSecond) {
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
    Clock clock = Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    SignedRequest signed =
        SIGNER.sign(
            r ->
                r.identity(identity)
                    .request(request.build())
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock)
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, target.region())
                    .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
    return signed.request().headers();
  }

  /** Everything a signature depends on besides the second, compared by value. */
  private record MemoKey(
      boolean head,
      S3Target target,
      String encodedPath,
      Map<String, List<String>> query,
      Map<String, String> headers,
      String accessKeyId,
      String secretAccessKey,
      String sessionToken) {
    @Override
    public String toString() {
      return "MemoKey[" + encodedPath + "]";
    }
  }

  /** One signature's headers, and what the caller built from them to send (see signFor). */
  private static final class Signature {
    final Map<String, List<String>> headers;
    Object wire;
    Function<?, ?> wireOf;

    Signature(Map<String, List<String>> headers) {
      this.headers = headers;
    }
  }

  private static final class Memo {
    long second = Long.MIN_VALUE;
    final Map<MemoKey, Signature> signed = new HashMap<>();
  }
}
