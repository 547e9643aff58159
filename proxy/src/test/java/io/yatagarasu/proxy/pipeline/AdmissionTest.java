package io.yatagarasu.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.proxy.ProxyError;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admit stage, called directly with a decoded request and a recording next stage. */
class AdmissionTest {
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

  private void admit(HttpMethod method, String uri) {
    channel = fixture.channel();
    ProxyFrontendHandler frontend = channel.pipeline().get(ProxyFrontendHandler.class);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    request.headers().set("Host", "x");
    new Admission(fixture.server, next)
        .admit(frontend, channel.pipeline().context(frontend), request);
  }

  private int answeredStatus() {
    FullHttpResponse response = channel.readOutbound();
    try {
      return response.status().code();
    } finally {
      response.release();
    }
  }

  @Test
  void handsARoutedObjectRequestOnWithItsKeyAndQuery() {
    admit(HttpMethod.GET, "/assets/dir/a%20b.txt?versionId=3");

    assertThat(next.entered).hasSize(1);
    ObjectRequest request = next.entered.get(0);
    assertThat(request.route().name()).isEqualTo("assets");
    assertThat(request.key()).isEqualTo("dir/a b.txt");
    assertThat(request.rawQuery()).isEqualTo("versionId=3");
    assertThat(request.response().isDone()).isFalse();
    assertThat((Object) channel.readOutbound()).isNull();
  }

  @Test
  void answersAnUnknownRouteItselfAndHandsNothingOn() {
    admit(HttpMethod.GET, "/nope/a.txt");

    assertThat(answeredStatus()).isEqualTo(404);
    assertThat(next.entered).isEmpty();
  }

  @Test
  void answersATraversalPathItselfAndHandsNothingOn() {
    admit(HttpMethod.GET, "/assets/%2e%2e/secret");

    assertThat(answeredStatus()).isEqualTo(400);
    assertThat(next.entered).isEmpty();
  }

  @Test
  void answersAnotherMethodWith405AndHandsNothingOn() {
    admit(HttpMethod.DELETE, "/assets/a.txt");

    assertThat(answeredStatus()).isEqualTo(405);
    assertThat(next.entered).isEmpty();
  }

  @Test
  void answersHealthItselfAndHandsNothingOn() {
    admit(HttpMethod.GET, "/health");

    assertThat(answeredStatus()).isEqualTo(200);
    assertThat(next.entered).isEmpty();
  }
}
