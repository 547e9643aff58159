package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.proxy.ProxyError;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestChecksTest {
  private static HttpRequest request(HttpVersion version, String... headers) {
    HttpRequest request = new DefaultHttpRequest(version, HttpMethod.GET, "/a/b");
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    return request;
  }

  @Test
  void queryEscapesMustBeTwoHexDigits() {
    assertThat(RequestChecks.wellFormedQuery("")).isTrue();
    assertThat(RequestChecks.wellFormedQuery("a=%41%e3%81%82&b=c")).isTrue();
    for (String bad :
        List.of("x=%ZZ", "%", "versionId=%", "partNumber=%G0", "a=%4", "a=%\u0663\u0663")) {
      assertThat(RequestChecks.wellFormedQuery(bad)).as(bad).isFalse();
    }
  }

  @Test
  void absoluteFormTargetsKeepOnlyTheirPathAndQuery() {
    assertThat(RequestChecks.originForm("/a/b?c")).isEqualTo("/a/b?c");
    assertThat(RequestChecks.originForm("http://h.test/a/b?c")).isEqualTo("/a/b?c");
    assertThat(RequestChecks.originForm("HTTPS://h.test:8443/a")).isEqualTo("/a");
    assertThat(RequestChecks.originForm("http://h.test")).isEqualTo("/");
    assertThat(RequestChecks.originForm("http://h.test?x=1")).isEqualTo("/?x=1");
    assertThat(RequestChecks.originForm("ftp://h.test/a")).isEqualTo("ftp://h.test/a");
    assertThat(RequestChecks.originForm("*")).isEqualTo("*");
  }

  @Test
  void http11NeedsExactlyOneHost() {
    assertThat(RequestChecks.check(request(HttpVersion.HTTP_1_1, "Host", "h"), true)).isNull();
    assertThat(RequestChecks.check(request(HttpVersion.HTTP_1_1), true))
        .isEqualTo(ProxyError.BAD_REQUEST);
    assertThat(RequestChecks.check(request(HttpVersion.HTTP_1_1, "Host", "h", "Host", "i"), true))
        .isEqualTo(ProxyError.BAD_REQUEST);
    assertThat(RequestChecks.check(request(HttpVersion.HTTP_1_0), true)).isNull();
    assertThat(RequestChecks.check(request(HttpVersion.HTTP_1_1), false)).isNull();
  }

  @Test
  void otherMajorVersionsAreNotSupported() {
    assertThat(RequestChecks.check(request(HttpVersion.valueOf("HTTP/2.0"), "Host", "h"), true))
        .isEqualTo(ProxyError.VERSION_NOT_SUPPORTED);
    assertThat(RequestChecks.check(request(HttpVersion.valueOf("HTTP/9.9"), "Host", "h"), true))
        .isEqualTo(ProxyError.VERSION_NOT_SUPPORTED);
  }

  @Test
  void onlyChunkedIsAcceptedAsTransferCoding() {
    assertThat(
            RequestChecks.check(
                request(HttpVersion.HTTP_1_1, "Host", "h", "Transfer-Encoding", "chunked"), true))
        .isNull();
    for (String coding : List.of("gzip, chunked", "chunked, identity", "xchunked", "identity")) {
      assertThat(
              RequestChecks.check(
                  request(HttpVersion.HTTP_1_1, "Host", "h", "Transfer-Encoding", coding), true))
          .as(coding)
          .isEqualTo(ProxyError.BAD_REQUEST);
    }
  }
}
