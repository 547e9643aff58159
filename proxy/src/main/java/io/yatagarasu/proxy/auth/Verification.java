package io.yatagarasu.proxy.auth;

import java.util.concurrent.CompletableFuture;

/**
 * The result of checking a token: verified, refused with a problem, or pending while the issuer's
 * key set is fetched (a token naming a key the proxy has not seen yet).
 */
public final class Verification {
  private final VerifiedToken token;
  private final TokenProblem problem;
  private final CompletableFuture<Verification> pending;

  private Verification(
      VerifiedToken token, TokenProblem problem, CompletableFuture<Verification> pending) {
    this.token = token;
    this.problem = problem;
    this.pending = pending;
  }

  static Verification ok(VerifiedToken token) {
    return new Verification(token, null, null);
  }

  static Verification refused(TokenProblem problem) {
    return new Verification(null, problem, null);
  }

  static Verification pending(CompletableFuture<Verification> later) {
    return new Verification(null, null, later);
  }

  /** The verified token, or null. */
  public VerifiedToken token() {
    return token;
  }

  /** Why the token was refused, or null. */
  public TokenProblem problem() {
    return problem;
  }

  /** Completes with the final verification when a key set had to be fetched first, or null. */
  public CompletableFuture<Verification> pending() {
    return pending;
  }
}
