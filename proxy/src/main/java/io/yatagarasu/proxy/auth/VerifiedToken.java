package io.yatagarasu.proxy.auth;

import java.util.Map;

/**
 * A token whose signature, issuer, audience and times have been checked: who it names and what it
 * claims.
 *
 * @param issuerName the configured issuer's name (not the {@code iss} URL)
 * @param expiresAtMillis the {@code exp} claim in epoch milliseconds
 */
public record VerifiedToken(
    String issuerName, String subject, Map<String, Object> claims, long expiresAtMillis) {}
