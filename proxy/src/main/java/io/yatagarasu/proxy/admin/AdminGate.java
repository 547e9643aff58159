package io.yatagarasu.proxy.admin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.yatagarasu.proxy.pipeline.LingeringClose;
import io.yatagarasu.proxy.pipeline.RequestHeaderTimeoutHandler;
import io.yatagarasu.proxy.routing.PathNormalizer;
import java.util.function.Predicate;

/**
 * Guards the admin listener before a body is read: a request head must arrive within the head
 * timeout (408), an idle connection closes, and a body is read only for an authorised request to
 * the admin API. Anything else that announces a body is answered from its head (401, or 413 outside
 * {@code /admin}) and the connection closes, so an unauthenticated client cannot make the proxy
 * buffer its bodies. It closes lingering ({@link LingeringClose}): the body still on its way is
 * read and dropped for a bounded time, so the client reads the answer instead of a reset.
 */
final class AdminGate extends ChannelDuplexHandler {
  private final Predicate<HttpRequest> authorized;
  private boolean discarding;

  AdminGate(Predicate<HttpRequest> authorized) {
    this.authorized = authorized;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      RequestHeaderTimeoutHandler timeout = ctx.pipeline().get(RequestHeaderTimeoutHandler.class);
      if (timeout != null) {
        timeout.headReceived();
      }
      if (request.decoderResult().isSuccess() && hasBody(request)) {
        HttpResponseStatus refusal = refusal(request);
        if (refusal != null) {
          discarding = true;
          ReferenceCountUtil.release(msg);
          FullHttpResponse response =
              AdminHandler.status(
                  refusal == HttpResponseStatus.UNAUTHORIZED ? "unauthorized" : "too large",
                  refusal);
          if (refusal == HttpResponseStatus.UNAUTHORIZED) {
            response
                .headers()
                .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"yatagarasu-admin\"");
          }
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          // The client may still be sending the body: closing now could reset the connection
          // before it reads the answer.
          ctx.writeAndFlush(response).addListener(LingeringClose.CLOSE);
          return;
        }
      }
    } else if (!(msg instanceof HttpContent)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private HttpResponseStatus refusal(HttpRequest request) {
    String path = PathNormalizer.rawPath(request.uri());
    if (!path.equals("/admin") && !path.startsWith("/admin/")) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return authorized.test(request) ? null : HttpResponseStatus.UNAUTHORIZED;
  }

  private static boolean hasBody(HttpRequest request) {
    return HttpUtil.isTransferEncodingChunked(request)
        || HttpUtil.getContentLength(request, 0L) > 0;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      // The answer is complete: the next request's head gets its own timeout.
      RequestHeaderTimeoutHandler timeout = ctx.pipeline().get(RequestHeaderTimeoutHandler.class);
      if (timeout != null) {
        timeout.awaitNext();
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == RequestHeaderTimeoutHandler.TIMED_OUT) {
      discarding = true;
      FullHttpResponse response =
          AdminHandler.status("timeout", HttpResponseStatus.REQUEST_TIMEOUT);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }
}
