package io.yatagarasu.proxy;

/**
 * Every failure the proxy can answer with: the error code clients see, its HTTP status, and a fixed
 * message. Messages never carry upstream text, host names, credentials or signatures.
 */
public enum ProxyError {
  BAD_REQUEST("BadRequest", 400, "The request is malformed."),
  INVALID_PATH("InvalidPath", 400, "The request path is not valid."),
  INVALID_QUERY("InvalidQuery", 400, "The query string has a malformed percent-encoding."),
  AMBIGUOUS_TOKEN(
      "InvalidRequest",
      400,
      "The request carries more than one credential header, or different tokens in different"
          + " places; send one token."),
  BODY_TOO_LARGE("EntityTooLarge", 413, "The request body is too large."),
  URI_TOO_LONG("UriTooLong", 414, "The request URI is too long."),
  HEADERS_TOO_LARGE("HeadersTooLarge", 431, "The request headers are too large."),
  ROUTE_NOT_FOUND("NoSuchBucket", 404, "No bucket is configured for this path."),
  LISTING_NOT_ALLOWED(
      "NoSuchKey", 404, "The path names a bucket, not an object; listing is not supported."),
  NO_SUCH_KEY("NoSuchKey", 404, "The object does not exist."),
  NO_SUCH_BUCKET("NoSuchBucket", 404, "The bucket does not exist."),
  ACCESS_DENIED("AccessDenied", 403, "Access to the object is denied."),
  MISSING_TOKEN("MissingToken", 401, "This bucket needs a bearer token."),
  INVALID_TOKEN("InvalidToken", 401, "The token is not valid."),
  FORBIDDEN_CLAIMS("AccessDenied", 403, "The token's claims do not allow access to this bucket."),
  FORBIDDEN_PATH("AccessDenied", 403, "The token may not read this path."),
  CIRCUIT_OPEN(
      "ServiceUnavailable",
      503,
      "The storage service is failing; the proxy is not asking it for now."),
  RATE_LIMITED("TooManyRequests", 429, "Too many requests; retry after the Retry-After delay."),
  CORS_REJECTED(
      "CorsRejected", 403, "The origin, method or a header of this preflight is not allowed."),
  ADDRESS_DENIED("AccessDenied", 403, "Requests from this address may not use this bucket."),
  ADDRESS_UNKNOWN(
      "AccessDenied", 403, "The client address cannot be read from the forwarding headers."),
  METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "Only GET and HEAD are allowed."),
  PRECONDITION_FAILED("PreconditionFailed", 412, "A precondition in the request does not hold."),
  INVALID_RANGE("InvalidRange", 416, "The requested range is not satisfiable."),
  INVALID_ARGUMENT(
      "InvalidArgument", 400, "The storage service rejected an argument of the request."),
  UPSTREAM_ERROR("BadGateway", 502, "The storage service failed to answer the request."),
  UPSTREAM_UNREACHABLE("BadGateway", 502, "The storage service cannot be reached."),
  UPSTREAM_UNAVAILABLE(
      "ServiceUnavailable", 503, "The storage service is temporarily unavailable."),
  UPSTREAM_TIMEOUT("GatewayTimeout", 504, "The storage service did not answer in time."),
  NOT_READY("ServiceUnavailable", 503, "The proxy has no configuration loaded yet."),
  OVERLOADED("ServiceUnavailable", 503, "The proxy is answering as many requests as it may."),
  PIPELINE_FULL(
      "TooManyPipelinedRequests",
      503,
      "Too many requests were pipelined on this connection; send the rest on a new connection."),
  VERSION_NOT_SUPPORTED(
      "HttpVersionNotSupported",
      505,
      "Only HTTP/1.0 and HTTP/1.1 are served over this connection."),
  REQUEST_TIMEOUT("RequestTimeout", 408, "The request headers did not arrive in time."),
  INTERNAL("InternalError", 500, "The proxy failed to handle the request.");

  private final String code;
  private final int status;
  private final String message;

  ProxyError(String code, int status, String message) {
    this.code = code;
    this.status = status;
    this.message = message;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public String message() {
    return message;
  }
}
