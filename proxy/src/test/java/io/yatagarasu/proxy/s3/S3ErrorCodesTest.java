package io.yatagarasu.proxy.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.yatagarasu.proxy.ProxyError;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3ErrorCodesTest {

  @Test
  void readsTheCodeOfAnS3ErrorDocument() {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
            + "<Message>The specified key does not exist.</Message><Key>a</Key></Error>";
    assertThat(S3ErrorCodes.code(body)).isEqualTo("NoSuchKey");
    assertThat(S3ErrorCodes.code("not xml")).isNull();
    assertThat(S3ErrorCodes.code("")).isNull();
  }

  @Test
  void readsTheObjectSizeOfInvalidRange() {
    String body =
        "<Error><Code>InvalidRange</Code><RangeRequested>bytes=900-</RangeRequested>"
            + "<ActualObjectSize>512</ActualObjectSize></Error>";
    assertThat(S3ErrorCodes.actualObjectSize(body)).isEqualTo(OptionalLong.of(512));
    assertThat(S3ErrorCodes.actualObjectSize("<Error/>")).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "404, NoSuchKey, NO_SUCH_KEY",
    "404, NoSuchBucket, NO_SUCH_BUCKET",
    "403, AccessDenied, ACCESS_DENIED",
    "403, SignatureDoesNotMatch, ACCESS_DENIED",
    "403, InvalidAccessKeyId, ACCESS_DENIED",
    "400, ExpiredToken, ACCESS_DENIED",
    "416, InvalidRange, INVALID_RANGE",
    "412, PreconditionFailed, PRECONDITION_FAILED",
    "503, SlowDown, UPSTREAM_UNAVAILABLE",
    "503, ServiceUnavailable, UPSTREAM_UNAVAILABLE",
    "500, InternalError, UPSTREAM_ERROR",
    "502, , UPSTREAM_ERROR",
    "504, , UPSTREAM_ERROR",
    "404, , NO_SUCH_KEY",
    "403, , ACCESS_DENIED",
    "412, , PRECONDITION_FAILED",
    "416, , INVALID_RANGE",
    "503, , UPSTREAM_UNAVAILABLE",
    "400, InvalidArgument, INVALID_ARGUMENT",
    "301, PermanentRedirect, UPSTREAM_ERROR",
  })
  void mapsUpstreamErrors(int status, String code, ProxyError expected) {
    assertThat(S3ErrorCodes.map(status, code)).isEqualTo(expected);
  }

  @Test
  void errorStatusesAreTheDocumentedOnes() {
    assertThat(ProxyError.NO_SUCH_KEY.status()).isEqualTo(404);
    assertThat(ProxyError.ACCESS_DENIED.status()).isEqualTo(403);
    assertThat(ProxyError.INVALID_RANGE.status()).isEqualTo(416);
    assertThat(ProxyError.PRECONDITION_FAILED.status()).isEqualTo(412);
    assertThat(ProxyError.UPSTREAM_UNAVAILABLE.status()).isEqualTo(503);
    assertThat(ProxyError.UPSTREAM_ERROR.status()).isEqualTo(502);
    assertThat(ProxyError.UPSTREAM_TIMEOUT.status()).isEqualTo(504);
    assertThat(ProxyError.METHOD_NOT_ALLOWED.status()).isEqualTo(405);
  }
}
