package io.yatagarasu.proxy.pipeline;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.auth.ClientAddresses;
import io.yatagarasu.proxy.ratelimit.RateLimiters;

/**
 * The first authorize stage: tells who the client is (its peer address, or the one trusted
 * forwarding headers give), checks it against the bucket's IP rules, then takes a token from the
 * per-bucket and per-client rate limits. Fails closed: an address that cannot be told is refused
 * where the bucket or the limits look at it.
 */
final class ClientCheck implements Stage {
  private final Stage next;

  ClientCheck(Stage next) {
    this.next = next;
  }

  @Override
  public void enter(ObjectRequest request) {
    ProxySnapshot snapshot = request.snapshot();
    BucketRoute route = request.route();
    BucketPolicy policy = route.policy();
    ClientAddresses.Resolved resolved =
        snapshot
            .clientAddresses()
            .resolve(request.frontend().peer().bytes(request.ctx().channel()), request);
    byte[] client = resolved.address();
    request.clientAddress(request.frontend().peer().text(resolved));
    if (client == null) {
      // Fail closed where the address matters; a bucket that never looks at it still serves.
      if (policy.restrictsAddresses() || snapshot.limits().limitsClients()) {
        route.meters().auth("address_unknown");
        request.authFailed("address_unknown", null);
        request
            .response()
            .answer(
                ErrorResponses.render(
                    request.ctx().alloc(),
                    ProxyError.ADDRESS_UNKNOWN,
                    resolved.problem(),
                    request.requestId(),
                    request.head()),
                ProxyError.ADDRESS_UNKNOWN);
        return;
      }
    } else if (!policy.allowsAddress(client)) {
      route.meters().auth("address_denied");
      request.authFailed("address_denied", null);
      request.response().answer(ProxyError.ADDRESS_DENIED);
      return;
    }
    RateLimiters.Refusal refusal = snapshot.limits().admit(route.name(), client);
    if (refusal != null) {
      rateLimited(request, refusal);
      return;
    }
    next.enter(request);
  }

  /** Answers 429 with when to come back ({@code Retry-After}) and the limit that refused. */
  static void rateLimited(ObjectRequest request, RateLimiters.Refusal refusal) {
    request.route().meters().rateLimited(refusal.scope());
    FullHttpResponse response =
        ErrorResponses.render(
            request.ctx().alloc(), ProxyError.RATE_LIMITED, request.requestId(), request.head());
    String seconds = String.valueOf(refusal.retryAfterSeconds());
    response
        .headers()
        .set(HttpHeaderNames.RETRY_AFTER, seconds)
        .set("RateLimit-Limit", String.valueOf(refusal.limit().burst()))
        .set("RateLimit-Remaining", "0")
        .set("RateLimit-Reset", seconds);
    request.response().answer(response, ProxyError.RATE_LIMITED);
  }
}
