package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.yatagarasu.proxy.BucketRoute;

/**
 * The spans of an object request: a server span from admission to the access-log line, its parent
 * taken from the client's W3C {@code traceparent}/{@code tracestate}, and a client span per S3
 * attempt (connect to response head). Called only when the request's snapshot traces: with tracing
 * off the request path holds a null span and allocates nothing here. Attribute values never carry a
 * header value, a query string, a token or a signature.
 */
final class Tracing {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("http.response.body.size");
  static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> BUCKET = AttributeKey.stringKey("yatagarasu.bucket");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("yatagarasu.request_id");
  static final AttributeKey<String> AUTH = AttributeKey.stringKey("yatagarasu.auth.result");
  static final AttributeKey<String> AUTH_REASON = AttributeKey.stringKey("yatagarasu.auth.reason");
  static final AttributeKey<String> CACHE = AttributeKey.stringKey("yatagarasu.cache.result");
  static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<Long> RESEND = AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<Long> TARGET = AttributeKey.longKey("yatagarasu.s3.target");
  static final AttributeKey<String> S3_REQUEST_ID = AttributeKey.stringKey("aws.request_id");
  static final AttributeKey<String> S3_EXTENDED_ID =
      AttributeKey.stringKey("aws.extended_request_id");

  private static final TextMapGetter<HttpHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
          return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private Tracing() {}

  /** Starts the server span of a routed request, child of the client's trace context if any. */
  static Span startServer(
      Tracer tracer,
      HttpHeaders headers,
      String method,
      String path,
      BucketRoute route,
      String requestId) {
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
    return tracer
        .spanBuilder(method + " " + route.pathPrefix())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(METHOD, method)
        .setAttribute(ROUTE, route.pathPrefix())
        .setAttribute(PATH, path)
        .setAttribute(BUCKET, route.name())
        .setAttribute(REQUEST_ID, requestId)
        .startSpan();
  }

  /** Ends the server span with what the client got. */
  static void endServer(Span span, int status, long bytesSent, String error) {
    span.setAttribute(STATUS, status);
    span.setAttribute(BODY_SIZE, bytesSent);
    if (error != null) {
      span.setAttribute(ERROR, error);
    }
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /** Starts the client span of one S3 attempt: the first, a retry or a replica after failover. */
  static Span startAttempt(
      Tracer tracer, Span parent, BucketRoute.Upstream upstream, boolean head, int attempt) {
    String method = head ? "HEAD" : "GET";
    return tracer
        .spanBuilder("S3 " + method)
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(METHOD, method)
        .setAttribute(SERVER, upstream.target().connectHost())
        .setAttribute(SERVER_PORT, (long) upstream.target().port())
        .setAttribute(RESEND, (long) Math.max(0, attempt - 1))
        .startSpan();
  }

  /** Ends an attempt that got a response head from S3. */
  static void endAttempt(Span span, HttpResponse response) {
    int status = response.status().code();
    span.setAttribute(STATUS, status);
    String id = response.headers().get("x-amz-request-id");
    if (id != null) {
      span.setAttribute(S3_REQUEST_ID, id);
    }
    String extended = response.headers().get("x-amz-id-2");
    if (extended != null) {
      span.setAttribute(S3_EXTENDED_ID, extended);
    }
    if (status >= 500) {
      span.setAttribute(ERROR, Integer.toString(status));
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /** Ends an attempt that failed before a response head: connect, timeout, closed, cancelled. */
  static void endAttempt(Span span, String error) {
    span.setAttribute(ERROR, error);
    span.setStatus(StatusCode.ERROR);
    span.end();
  }
}
