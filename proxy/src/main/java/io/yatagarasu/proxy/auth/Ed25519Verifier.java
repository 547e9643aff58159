package io.yatagarasu.proxy.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

/**
 * EdDSA (Ed25519) signature checks through the JDK's own Ed25519 implementation; nimbus's verifier
 * for it needs Google Tink, which this project does not ship.
 */
final class Ed25519Verifier implements JWSVerifier {
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
  private final PublicKey key;
  private final JCAContext context = new JCAContext();

  Ed25519Verifier(PublicKey key) {
    this.key = key;
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    if (!ALGORITHMS.contains(header.getAlgorithm())) {
      return false;
    }
    try {
      Signature ed25519 = Signature.getInstance("Ed25519");
      ed25519.initVerify(key);
      ed25519.update(signingInput);
      return ed25519.verify(signature.decode());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return ALGORITHMS;
  }

  @Override
  public JCAContext getJCAContext() {
    return context;
  }
}
