package io.yatagarasu.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.yatagarasu.proxy.s3.S3RequestSigner;
import io.yatagarasu.proxy.s3.S3Target;
import io.yatagarasu.proxy.s3.S3Uris;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Builds the signed GET or HEAD that asks S3 for one object: which of the client's headers and
 * query parameters go along, and how an {@code If-Range} validator is checked against S3's answer.
 */
final class UpstreamRequests {
  /**
   * Headers built only from values the HTTP decoders already checked (the client's request, S3's
   * response), the signer and the configuration: checking each name and value again on every
   * request would cost without catching anything.
   */
  static final HttpHeadersFactory TRUSTED_HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private static final String USER_AGENT = "yatagarasu";
  private static final String[] FORWARDED_REQUEST_HEADERS = {
    "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since"
  };
  private static final List<String> FORWARDED_QUERY = List.of("versionId", "partNumber");

  /**
   * The headers sent with a signature: built once per signature (a hot object is signed once a
   * second per event loop) and shared by every request sent with it, which only the encoder reads.
   */
  private static final Function<Map<String, List<String>>, HttpHeaders> WIRE_HEADERS =
      UpstreamRequests::wireHeaders;

  private UpstreamRequests() {}

  /**
   * The signed request for {@code key} on {@code target}. Its headers may be shared with other
   * requests signed the same: nothing may change them.
   *
   * @param head ask with HEAD (the client's HEAD, or a probe for the object's size)
   * @param forward pass the client's range and conditional headers and its version query on
   * @param sendRange pass the client's {@code Range} on (false once {@code If-Range} failed)
   */
  static FullHttpRequest build(
      S3Target target,
      String key,
      HttpHeaders clientHeaders,
      String rawQuery,
      boolean head,
      boolean forward,
      boolean sendRange,
      AwsCredentialsIdentity identity) {
    Map<String, String> headers = Map.of();
    if (forward) {
      for (String name : FORWARDED_REQUEST_HEADERS) {
        String value = clientHeaders.get(name);
        if (value != null && (sendRange || !name.equals("range"))) {
          if (headers.isEmpty()) {
            headers = new LinkedHashMap<>();
          }
          headers.put(name, value);
        }
      }
    }
    Map<String, List<String>> query = forward ? forwardedQuery(rawQuery) : Map.of();
    String path = target.objectPath(key);
    HttpHeaders signed =
        S3RequestSigner.signFor(head, target, path, query, headers, identity, WIRE_HEADERS);
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        head ? HttpMethod.HEAD : HttpMethod.GET,
        query.isEmpty() ? path : path + queryString(query),
        Unpooled.EMPTY_BUFFER,
        signed,
        EmptyHttpHeaders.INSTANCE);
  }

  private static HttpHeaders wireHeaders(Map<String, List<String>> signed) {
    HttpHeaders out = TRUSTED_HEADERS.newHeaders();
    signed.forEach(out::add);
    out.set(HttpHeaderNames.USER_AGENT, USER_AGENT);
    out.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    return out;
  }

  private static Map<String, List<String>> forwardedQuery(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> params = new QueryStringDecoder(rawQuery, false).parameters();
    Map<String, List<String>> kept = new LinkedHashMap<>();
    for (String name : FORWARDED_QUERY) {
      List<String> values = params.get(name);
      if (values != null && !values.isEmpty()) {
        kept.put(name, List.of(values.get(0)));
      }
    }
    return kept;
  }

  private static String queryString(Map<String, List<String>> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    query.forEach(
        (name, values) -> {
          for (String value : values) {
            b.append(b.length() == 0 ? '?' : '&')
                .append(S3Uris.encodeQueryComponent(name))
                .append('=')
                .append(S3Uris.encodeQueryComponent(value));
          }
        });
    return b.toString();
  }

  /**
   * Whether a strong {@code If-Range} validator (an entity tag or an HTTP date) still names the
   * representation S3 answered with (RFC 9110 13.1.5).
   */
  static boolean validatorMatches(String ifRange, HttpHeaders upstreamHeaders) {
    if (ifRange.startsWith("\"")) {
      String etag = upstreamHeaders.get(HttpHeaderNames.ETAG);
      return etag != null && !etag.startsWith("W/") && etag.equals(ifRange);
    }
    String lastModified = upstreamHeaders.get(HttpHeaderNames.LAST_MODIFIED);
    if (lastModified == null) {
      return false;
    }
    try {
      return ZonedDateTime.parse(ifRange, DateTimeFormatter.RFC_1123_DATE_TIME)
          .toInstant()
          .equals(
              ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
