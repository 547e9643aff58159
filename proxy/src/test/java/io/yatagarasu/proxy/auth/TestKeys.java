package io.yatagarasu.proxy.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;

/** Keys and signed tokens for tests, made with the JDK and nimbus. */
public final class TestKeys {
  public static final String HMAC_SECRET = "a-shared-secret-of-at-least-32-bytes!";

  private TestKeys() {}

  public static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  public static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  public static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** Claims valid for an hour from {@code nowMillis}, for issuer {@code iss}. */
  public static JWTClaimsSet.Builder claims(String iss, long nowMillis) {
    return new JWTClaimsSet.Builder()
        .issuer(iss)
        .subject("user-1")
        .audience("assets-api")
        .issueTime(new Date(nowMillis))
        .expirationTime(new Date(nowMillis + 3_600_000));
  }

  public static String sign(
      JWSAlgorithm algorithm, String kid, JWSSigner signer, JWTClaimsSet claims) throws Exception {
    return sign(algorithm, kid, signer, claims, h -> {});
  }

  public static String sign(
      JWSAlgorithm algorithm,
      String kid,
      JWSSigner signer,
      JWTClaimsSet claims,
      Consumer<JWSHeader.Builder> header)
      throws Exception {
    JWSHeader.Builder builder = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT);
    if (kid != null) {
      builder.keyID(kid);
    }
    header.accept(builder);
    SignedJWT jwt = new SignedJWT(builder.build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  public static String rs256(KeyPair pair, String kid, JWTClaimsSet claims) throws Exception {
    return sign(JWSAlgorithm.RS256, kid, new RSASSASigner(pair.getPrivate()), claims);
  }

  public static String es256(KeyPair pair, String kid, JWTClaimsSet claims) throws Exception {
    return sign(JWSAlgorithm.ES256, kid, new ECDSASigner((ECPrivateKey) pair.getPrivate()), claims);
  }

  public static String hs256(String secret, String kid, JWTClaimsSet claims) throws Exception {
    return sign(
        JWSAlgorithm.HS256, kid, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), claims);
  }

  /** EdDSA through the JDK (nimbus's Ed25519 signer needs Google Tink). */
  public static String eddsa(KeyPair pair, String kid, JWTClaimsSet claims) throws Exception {
    String header =
        Base64URL.encode(
                ("{\"alg\":\"EdDSA\",\"typ\":\"JWT\""
                        + (kid == null ? "" : ",\"kid\":\"" + kid + "\"")
                        + "}")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    String payload =
        Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8)).toString();
    Signature ed25519 = Signature.getInstance("Ed25519");
    ed25519.initSign(pair.getPrivate());
    ed25519.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return header + "." + payload + "." + Base64URL.encode(ed25519.sign());
  }

  /** A token with any header and payload JSON, signed with nothing. */
  public static String raw(String headerJson, String payloadJson, String signature) {
    return Base64URL.encode(headerJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + signature;
  }
}
