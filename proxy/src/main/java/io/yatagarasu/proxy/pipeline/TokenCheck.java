package io.yatagarasu.proxy.pipeline;

import io.yatagarasu.proxy.BucketRoute;
import io.yatagarasu.proxy.ProxyError;
import io.yatagarasu.proxy.ProxySnapshot;
import io.yatagarasu.proxy.auth.BucketPolicy;
import io.yatagarasu.proxy.auth.TokenProblem;
import io.yatagarasu.proxy.auth.Verification;
import io.yatagarasu.proxy.auth.VerifiedToken;
import io.yatagarasu.proxy.ratelimit.RateLimiters;
import java.util.concurrent.CompletableFuture;

/**
 * The second authorize stage: for a bucket that wants a token, takes it from where the
 * configuration says (one place only), verifies it (waiting, off the loop, for an issuer's key set
 * when the token names an unseen key), takes a token from the per-subject rate limit and checks the
 * bucket's claim and path rules. A public bucket passes straight through.
 */
final class TokenCheck implements Stage {
  private final Stage next;

  TokenCheck(Stage next) {
    this.next = next;
  }

  @Override
  public void enter(ObjectRequest request) {
    BucketRoute route = request.route();
    BucketPolicy policy = route.policy();
    if (!policy.requiresToken()) {
      route.meters().auth("public");
      next.enter(request);
      return;
    }
    ProxySnapshot snapshot = request.snapshot();
    String token;
    try {
      token =
          TokenExtractor.extract(
              snapshot.config().jwt().tokenSources(), request.headers(), request.rawQuery());
    } catch (TokenExtractor.AmbiguousTokenException e) {
      route.meters().auth("ambiguous");
      request.response().answer(ProxyError.AMBIGUOUS_TOKEN);
      return;
    }
    if (token == null) {
      route.meters().auth("missing");
      request.response().answer(ProxyError.MISSING_TOKEN);
      return;
    }
    Verification verification = snapshot.jwt().verify(token, policy.issuers());
    CompletableFuture<Verification> later = verification.pending();
    if (later == null) {
      authorize(request, verification);
      return;
    }
    // The token names a key the proxy has not seen: its issuer's key set is being fetched.
    later.whenComplete(
        (result, error) ->
            request
                .eventLoop()
                .execute(
                    () -> {
                      if (!request.response().isDone()) {
                        authorize(
                            request,
                            result != null
                                ? result
                                : snapshot.jwt().verify(token, policy.issuers()));
                      }
                    }));
  }

  private void authorize(ObjectRequest request, Verification verification) {
    BucketRoute route = request.route();
    if (verification.problem() != null || verification.token() == null) {
      route.meters().auth("invalid");
      TokenProblem problem =
          verification.problem() == null ? TokenProblem.UNKNOWN_KEY : verification.problem();
      request
          .response()
          .answer(
              ErrorResponses.render(
                  request.ctx().alloc(),
                  ProxyError.INVALID_TOKEN,
                  problem.message(),
                  request.requestId(),
                  request.head()),
              ProxyError.INVALID_TOKEN);
      return;
    }
    VerifiedToken token = verification.token();
    request.identity(token.subject(), token.issuerName());
    RateLimiters.Refusal refusal =
        request.snapshot().limits().admitSubject(token.issuerName(), token.subject());
    if (refusal != null) {
      ClientCheck.rateLimited(request, refusal);
      return;
    }
    BucketPolicy.Decision decision = route.policy().check(token, request.path());
    if (decision != BucketPolicy.Decision.ALLOW) {
      route.meters().auth("forbidden");
      request
          .response()
          .answer(
              decision == BucketPolicy.Decision.PATH
                  ? ProxyError.FORBIDDEN_PATH
                  : ProxyError.FORBIDDEN_CLAIMS);
      return;
    }
    route.meters().auth("ok");
    next.enter(request);
  }
}
