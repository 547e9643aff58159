package io.yatagarasu.proxy.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.yatagarasu.proxy.ProxyError;

/**
 * What a client gets from a stored entry, decided without S3: its preconditions ({@code 304},
 * {@code 412}), then its {@code Range} ({@code 206}, {@code 416}), else the whole object ({@code
 * 200}); {@code HEAD} gets the same head without a body. A negative entry answers {@code 404
 * NoSuchKey}. Pure: the caller writes the answer with the request id, CORS and connection headers
 * it adds to every response, and with the answer's {@code Age} and its own {@code X-Cache} word
 * (set once, by the response, not copied here first: this runs on every cache hit).
 */
public final class CachedAnswer {
  /** The header that says where an answer came from. */
  public static final String X_CACHE = "X-Cache";

  // One factory for every answer: the DefaultHttpHeaders(false) constructor builds one per call.
  private static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private CachedAnswer() {}

  /** An answer. */
  public sealed interface Answer {}

  /**
   * A response with {@code length} bytes of the entry's body from {@code offset} ({@code 0} for
   * {@code HEAD} and {@code 304}); {@code age} is the value of its {@code Age} header, which {@code
   * headers} leave to the caller.
   */
  public record Send(
      HttpResponseStatus status, HttpHeaders headers, long offset, long length, String age)
      implements Answer {}

  /**
   * An error answer: {@code 404}, {@code 412}, or {@code 416} with the object's size (for its
   * {@code Content-Range: bytes *}{@code /size}); {@code size} is -1 for the others.
   */
  public record Refuse(ProxyError error, long size) implements Answer {}

  /** Answers {@code request} from {@code entry} at {@code now}. */
  public static Answer answer(CachedObject entry, HttpHeaders request, boolean head, long now) {
    if (entry.status() == 404) {
      return new Refuse(ProxyError.NO_SUCH_KEY, -1);
    }
    Conditionals.Outcome outcome =
        Conditionals.evaluate(request, entry.etag(), entry.lastModified());
    if (outcome == Conditionals.Outcome.PRECONDITION_FAILED) {
      return new Refuse(ProxyError.PRECONDITION_FAILED, -1);
    }
    if (outcome == Conditionals.Outcome.NOT_MODIFIED) {
      HttpHeaders h = HEADERS.newHeaders();
      for (CharSequence name :
          new CharSequence[] {
            HttpHeaderNames.ETAG,
            HttpHeaderNames.LAST_MODIFIED,
            HttpHeaderNames.CACHE_CONTROL,
            HttpHeaderNames.EXPIRES
          }) {
        String value = entry.headers().get(name);
        if (value != null) {
          h.set(name, value);
        }
      }
      return new Send(HttpResponseStatus.NOT_MODIFIED, h, 0, 0, entry.ageText(now));
    }
    ByteRanges.Decision range =
        ByteRanges.decide(
            request.get(HttpHeaderNames.RANGE),
            request.get(HttpHeaderNames.IF_RANGE),
            entry.length(),
            entry.etag(),
            entry.lastModified());
    if (range instanceof ByteRanges.Unsatisfiable u) {
      return new Refuse(ProxyError.INVALID_RANGE, u.size());
    }
    HttpHeaders h = HEADERS.newHeaders().add(entry.headers());
    if (range instanceof ByteRanges.Partial p) {
      h.set(HttpHeaderNames.CONTENT_RANGE, p.contentRange());
      h.set(HttpHeaderNames.CONTENT_LENGTH, p.length());
      return new Send(
          HttpResponseStatus.PARTIAL_CONTENT,
          h,
          p.first(),
          head ? 0 : p.length(),
          entry.ageText(now));
    }
    // The stored length's text: no number formatting per hit.
    h.add(HttpHeaderNames.CONTENT_LENGTH, entry.lengthText());
    return new Send(HttpResponseStatus.OK, h, 0, head ? 0 : entry.length(), entry.ageText(now));
  }

  /**
   * The request headers that revalidate {@code entry} with S3: {@code If-None-Match} with its
   * {@code ETag}, {@code If-Modified-Since} with its {@code Last-Modified}.
   */
  public static HttpHeaders revalidation(CachedObject entry) {
    HttpHeaders h = new DefaultHttpHeaders(false);
    if (entry.etag() != null) {
      h.set(HttpHeaderNames.IF_NONE_MATCH, entry.etag());
    }
    if (entry.lastModified() != null) {
      h.set(HttpHeaderNames.IF_MODIFIED_SINCE, entry.lastModified());
    }
    return h;
  }
}
