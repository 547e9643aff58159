package io.yatagarasu.proxy.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import io.yatagarasu.config.JwtAlgorithm;
import io.yatagarasu.config.JwtKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;

/**
 * Turns configured keys and JWKS entries into verifiers pinned to one algorithm each. A key that
 * cannot serve its algorithm (an EC key for RS256, a P-384 key for ES256) is an error here, so a
 * token can never pick a weaker check for a key.
 */
final class Keys {
  // DER prefix of an X.509 SubjectPublicKeyInfo for a raw 32-byte Ed25519 key.
  private static final byte[] ED25519_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private Keys() {}

  /** A verification key: the key id it answers to, its pinned algorithm, its verifier. */
  record Candidate(String kid, JwtAlgorithm algorithm, JWSVerifier verifier) {}

  /**
   * Loads a configured key.
   *
   * @throws IllegalArgumentException with a message for the key's {@code publicKey} or {@code
   *     secret} field (never its content)
   */
  static Candidate load(JwtKey key) {
    JwtAlgorithm algorithm = key.algorithm();
    try {
      if (algorithm.family() == JwtAlgorithm.Family.HMAC) {
        return new Candidate(
            key.kid(), algorithm, new MACVerifier(key.secret().getBytes(StandardCharsets.UTF_8)));
      }
      String text = key.publicKey().strip();
      PublicKey publicKey = text.startsWith("{") ? fromJwk(text) : fromPem(text, algorithm);
      return new Candidate(key.kid(), algorithm, verifier(algorithm, publicKey));
    } catch (JOSEException | GeneralSecurityException | ParseException | RuntimeException e) {
      throw new IllegalArgumentException(
          (algorithm.family() == JwtAlgorithm.Family.HMAC ? "secret" : "publicKey")
              + ": "
              + reason(e, algorithm));
    }
  }

  /**
   * The candidate for one JWKS entry, or null when it cannot sign tokens here: an encryption key, a
   * symmetric key (never taken from a URL), or an algorithm this proxy does not accept.
   */
  static Candidate fromJwks(JWK jwk) {
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return null;
    }
    JwtAlgorithm algorithm = algorithmOf(jwk);
    if (algorithm == null || algorithm.family() == JwtAlgorithm.Family.HMAC) {
      return null;
    }
    try {
      PublicKey key = publicKey(jwk);
      return new Candidate(jwk.getKeyID(), algorithm, verifier(algorithm, key));
    } catch (JOSEException | GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static JwtAlgorithm algorithmOf(JWK jwk) {
    if (jwk.getAlgorithm() != null) {
      for (JwtAlgorithm a : JwtAlgorithm.values()) {
        if (a.name().equals(jwk.getAlgorithm().getName())) {
          return a;
        }
      }
      return jwk.getAlgorithm().getName().equals("Ed25519") ? JwtAlgorithm.EdDSA : null;
    }
    if (jwk instanceof RSAKey) {
      return JwtAlgorithm.RS256;
    }
    if (jwk instanceof ECKey ec) {
      Curve curve = ec.getCurve();
      return Curve.P_256.equals(curve)
          ? JwtAlgorithm.ES256
          : Curve.P_384.equals(curve)
              ? JwtAlgorithm.ES384
              : Curve.P_521.equals(curve) ? JwtAlgorithm.ES512 : null;
    }
    if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      return JwtAlgorithm.EdDSA;
    }
    return null;
  }

  private static PublicKey fromJwk(String json)
      throws ParseException, JOSEException, GeneralSecurityException {
    JWK jwk = JWK.parse(json);
    if (jwk.isPrivate()) {
      throw new IllegalArgumentException("is a private key (expected: the public key only)");
    }
    return publicKey(jwk);
  }

  private static PublicKey publicKey(JWK jwk) throws JOSEException, GeneralSecurityException {
    if (jwk instanceof RSAKey rsa) {
      return rsa.toRSAPublicKey();
    }
    if (jwk instanceof ECKey ec) {
      return ec.toECPublicKey();
    }
    if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      byte[] x = okp.getDecodedX();
      byte[] der = new byte[ED25519_PREFIX.length + x.length];
      System.arraycopy(ED25519_PREFIX, 0, der, 0, ED25519_PREFIX.length);
      System.arraycopy(x, 0, der, ED25519_PREFIX.length, x.length);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }
    throw new IllegalArgumentException(
        "is a " + jwk.getKeyType() + " JWK, not a public signing key");
  }

  private static PublicKey fromPem(String pem, JwtAlgorithm algorithm)
      throws GeneralSecurityException {
    if (!pem.startsWith("-----BEGIN PUBLIC KEY-----")) {
      throw new IllegalArgumentException(
          "is not a PEM public key (expected: -----BEGIN PUBLIC KEY-----)");
    }
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "")
            .replace("-----END PUBLIC KEY-----", "")
            .replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not valid base64 inside the PEM armour");
    }
    String type =
        switch (algorithm.family()) {
          case RSA -> "RSA";
          case EC -> "EC";
          case OKP -> "Ed25519";
          case HMAC -> throw new IllegalStateException("HMAC keys are secrets");
        };
    return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
  }

  private static JWSVerifier verifier(JwtAlgorithm algorithm, PublicKey key) throws JOSEException {
    switch (algorithm.family()) {
      case RSA -> {
        if (!(key instanceof RSAPublicKey rsa)) {
          throw new IllegalArgumentException(mismatch(algorithm, "an RSA"));
        }
        if (rsa.getModulus().bitLength() < 2048) {
          throw new IllegalArgumentException(
              "is an RSA key of "
                  + rsa.getModulus().bitLength()
                  + " bits (expected: at least 2048)");
        }
        return new RSASSAVerifier(rsa);
      }
      case EC -> {
        if (!(key instanceof ECPublicKey ec)) {
          throw new IllegalArgumentException(mismatch(algorithm, "an EC"));
        }
        Curve expected =
            switch (algorithm) {
              case ES256 -> Curve.P_256;
              case ES384 -> Curve.P_384;
              default -> Curve.P_521;
            };
        Curve actual = Curve.forECParameterSpec(ec.getParams());
        if (!expected.equals(actual)) {
          throw new IllegalArgumentException(
              "is a key on curve "
                  + actual
                  + " (expected: "
                  + algorithm.name()
                  + " needs "
                  + expected
                  + ")");
        }
        return new ECDSAVerifier(ec);
      }
      case OKP -> {
        if (!key.getAlgorithm().equals("EdDSA") && !key.getAlgorithm().equals("Ed25519")) {
          throw new IllegalArgumentException(mismatch(algorithm, "an Ed25519"));
        }
        return new Ed25519Verifier(key);
      }
      default -> throw new IllegalStateException("HMAC keys are secrets");
    }
  }

  private static String mismatch(JwtAlgorithm algorithm, String needed) {
    return "does not fit " + algorithm.name() + " (expected: " + needed + " public key)";
  }

  private static String reason(Exception e, JwtAlgorithm algorithm) {
    if (e instanceof IllegalArgumentException && e.getMessage() != null) {
      return e.getMessage();
    }
    if (e instanceof ParseException) {
      return "is not a valid JWK (expected: a JSON Web Key)";
    }
    if (e instanceof GeneralSecurityException) {
      return "cannot be read as a public key for " + algorithm.name();
    }
    return "cannot be used for " + algorithm.name();
  }
}
