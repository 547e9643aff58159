package io.yatagarasu.proxy.pipeline;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.yatagarasu.proxy.ProxyError;
import java.nio.charset.StandardCharsets;

/**
 * The one place that renders errors: a JSON body {@code {"error","message","requestId"}} with the
 * error's status, the request id header, and no body at all for HEAD.
 */
public final class ErrorResponses {
  public static final String REQUEST_ID = "x-request-id";

  private ErrorResponses() {}

  /** The JSON body of an error. */
  public static String body(ProxyError error, String requestId) {
    return body(error, error.message(), requestId);
  }

  /** The JSON body of an error with a more precise message than the error's own. */
  public static String body(ProxyError error, String message, String requestId) {
    JsonStringEncoder json = JsonStringEncoder.getInstance();
    return "{\"error\":\""
        + new String(json.quoteAsString(error.code()))
        + "\",\"message\":\""
        + new String(json.quoteAsString(message))
        + "\",\"requestId\":\""
        + new String(json.quoteAsString(requestId))
        + "\"}";
  }

  public static FullHttpResponse render(
      ByteBufAllocator alloc, ProxyError error, String requestId, boolean head) {
    return render(alloc, error, error.message(), requestId, head);
  }

  /** Renders an error with a precise message (which check a token failed, for instance). */
  public static FullHttpResponse render(
      ByteBufAllocator alloc, ProxyError error, String message, String requestId, boolean head) {
    byte[] bytes = body(error, message, requestId).getBytes(StandardCharsets.UTF_8);
    ByteBuf content = head ? alloc.buffer(0) : alloc.buffer(bytes.length).writeBytes(bytes);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(error.status()), content);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .set(REQUEST_ID, requestId);
    switch (error) {
      case METHOD_NOT_ALLOWED -> response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      case MISSING_TOKEN ->
          response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"yatagarasu\"");
      case INVALID_TOKEN ->
          response
              .headers()
              .set(
                  HttpHeaderNames.WWW_AUTHENTICATE,
                  "Bearer realm=\"yatagarasu\", error=\"invalid_token\"");
      case FORBIDDEN_CLAIMS, FORBIDDEN_PATH ->
          response
              .headers()
              .set(
                  HttpHeaderNames.WWW_AUTHENTICATE,
                  "Bearer realm=\"yatagarasu\", error=\"insufficient_scope\"");
      case OVERLOADED -> response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      default -> {}
    }
    return response;
  }
}
