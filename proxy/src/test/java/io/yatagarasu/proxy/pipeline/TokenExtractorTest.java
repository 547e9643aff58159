package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.yatagarasu.config.TokenSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenExtractorTest {
  @Test
  void aRequestCarriesOneToken() throws Exception {
    List<TokenSource> sources =
        List.of(
            new TokenSource(TokenSource.Kind.HEADER, "Authorization", "Bearer "),
            new TokenSource(TokenSource.Kind.QUERY, "access_token", null),
            new TokenSource(TokenSource.Kind.COOKIE, "session", null));
    HttpHeaders one = new DefaultHttpHeaders().add("Authorization", "Bearer t1");
    HttpHeaders twice =
        new DefaultHttpHeaders()
            .add("Authorization", "Bearer t1")
            .add("Authorization", "Bearer t1");
    HttpHeaders sameCookie =
        new DefaultHttpHeaders().add("Authorization", "Bearer t1").add("Cookie", "session=t1");

    assertThat(TokenExtractor.extract(sources, one, "")).isEqualTo("t1");
    assertThat(TokenExtractor.extract(sources, one, "access_token=t1")).isEqualTo("t1");
    assertThat(TokenExtractor.extract(sources, sameCookie, "")).isEqualTo("t1");
    assertThat(TokenExtractor.extract(sources, new DefaultHttpHeaders(), "")).isNull();
    assertThatThrownBy(() -> TokenExtractor.extract(sources, twice, ""))
        .isInstanceOf(TokenExtractor.AmbiguousTokenException.class);
    assertThatThrownBy(() -> TokenExtractor.extract(sources, one, "access_token=t2"))
        .isInstanceOf(TokenExtractor.AmbiguousTokenException.class);
    assertThatThrownBy(
            () ->
                TokenExtractor.extract(
                    sources, new DefaultHttpHeaders(), "access_token=a&access_token=b"))
        .isInstanceOf(TokenExtractor.AmbiguousTokenException.class);
  }
}
