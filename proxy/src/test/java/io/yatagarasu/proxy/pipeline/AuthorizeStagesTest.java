package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.yatagarasu.proxy.ProxyError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The authorize stages, {@link ClientCheck} and {@link TokenCheck}, called directly. */
class AuthorizeStagesTest {
  private static PipelineFixture fixture;
  private EmbeddedChannel channel;
  private final StageRecorder next = new StageRecorder();

  @BeforeAll
  static void start() {
    fixture = new PipelineFixture(URI.create("http://127.0.0.1:1"));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @AfterEach
  void finish() {
    for (ObjectRequest request : next.entered) {
      request.response().answer(ProxyError.INTERNAL);
    }
    channel.finishAndReleaseAll();
  }

  private FullHttpResponse answer() {
    return channel.readOutbound();
  }

  @Test
  void clientCheckHandsOnAClientOfABucketWithoutAddressRules() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.txt");

    new ClientCheck(next).enter(request);

    assertThat(next.entered).containsExactly(request);
    assertThat((Object) channel.readOutbound()).isNull();
  }

  @Test
  void clientCheckAnswersADeniedAddressWith403AndStops() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/private/a.txt");

    new ClientCheck(next).enter(request);

    FullHttpResponse response = answer();
    try {
      assertThat(response.status().code()).isEqualTo(ProxyError.ADDRESS_DENIED.status());
      assertThat(response.content().toString(StandardCharsets.UTF_8))
          .contains(ProxyError.ADDRESS_DENIED.code());
      assertThat(next.entered).isEmpty();
      assertThat(request.response().isDone()).isTrue();
    } finally {
      response.release();
    }
  }

  @Test
  void tokenCheckPassesAPublicBucketStraightThrough() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/assets/a.txt");

    new TokenCheck(next).enter(request);

    assertThat(next.entered).containsExactly(request);
  }

  @Test
  void tokenCheckAnswersAMissingTokenWith401AndStops() {
    channel = fixture.channel();
    ObjectRequest request = fixture.request(channel, "/signed/a.txt");

    new TokenCheck(next).enter(request);

    FullHttpResponse response = answer();
    try {
      assertThat(response.status().code()).isEqualTo(401);
      assertThat(response.content().toString(StandardCharsets.UTF_8))
          .contains(ProxyError.MISSING_TOKEN.code());
      assertThat(next.entered).isEmpty();
    } finally {
      response.release();
    }
  }

  @Test
  void tokenCheckAnswersAMalformedTokenWith401AndStops() {
    channel = fixture.channel();
    HttpHeaders headers = new DefaultHttpHeaders().set("Authorization", "Bearer not-a-jwt");
    ObjectRequest request = fixture.request(channel, "/signed/a.txt", headers, false);

    new TokenCheck(next).enter(request);

    FullHttpResponse response = answer();
    try {
      assertThat(response.status().code()).isEqualTo(401);
      assertThat(response.content().toString(StandardCharsets.UTF_8))
          .contains(ProxyError.INVALID_TOKEN.code());
      assertThat(next.entered).isEmpty();
    } finally {
      response.release();
    }
  }
}
