package io.yatagarasu.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.proxy.routing.PathNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The admin listener: {@code /health} (the process is alive) and {@code /ready} (a complete
 * configuration is applied). It answers even when the data configuration is broken.
 */
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final BooleanSupplier ready;

  public AdminHandler(BooleanSupplier ready) {
    this.ready = ready;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = PathNormalizer.rawPath(request.uri());
    FullHttpResponse response;
    if (!request.decoderResult().isSuccess()) {
      response = json(HttpResponseStatus.BAD_REQUEST, "{\"status\":\"bad request\"}");
    } else if (path.equals("/health")) {
      response = json(HttpResponseStatus.OK, "{\"status\":\"ok\"}");
    } else if (path.equals("/ready")) {
      response =
          ready.getAsBoolean()
              ? json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
              : json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"not ready\"}");
    } else {
      response = json(HttpResponseStatus.NOT_FOUND, "{\"status\":\"not found\"}");
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse json(HttpResponseStatus status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
