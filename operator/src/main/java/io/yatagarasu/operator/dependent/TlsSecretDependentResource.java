package io.yatagarasu.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.yatagarasu.operator.crd.S3ProxyConfig;
import io.yatagarasu.operator.render.TlsSecretCheck;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The operator's copy of the fleet's TLS Secret, which the pods mount: written only from a pair
 * {@link TlsSecretCheck} verified, so a missing or malformed user Secret never reaches a pod (a new
 * pod starts with, and a running one keeps, the last good certificate).
 */
public class TlsSecretDependentResource extends FleetDependent<Secret> {
  /** The context key of the verified {@link TlsSecretCheck.Pair} to write. */
  public static final String CONTEXT_KEY = "yatagarasu.tlsPair";

  /** The context key of the user's Secret name, for the source annotation. */
  public static final String SOURCE_KEY = "yatagarasu.tlsSource";

  public TlsSecretDependentResource() {
    super(Secret.class, FleetNames.TLS);
  }

  @Override
  String name(S3ProxyConfig fleet) {
    return FleetNames.tlsSecret(fleet);
  }

  @Override
  protected Secret desired(S3ProxyConfig fleet, Context<S3ProxyConfig> context) {
    var values = context.managedWorkflowAndDependentResourceContext();
    TlsSecretCheck.Pair pair = values.getMandatory(CONTEXT_KEY, TlsSecretCheck.Pair.class);
    String source = values.getMandatory(SOURCE_KEY, String.class);
    Secret secret =
        new SecretBuilder()
            .withMetadata(metadata(fleet))
            .withType(TlsSecretCheck.TLS_TYPE)
            .addToData(TlsSecretCheck.CERT_KEY, base64(pair.certificatePem()))
            .addToData(TlsSecretCheck.KEY_KEY, base64(pair.keyPem()))
            .build();
    var annotations = secret.getMetadata().getAnnotations();
    annotations.put(FleetNames.TLS_SERIAL_ANNOTATION, pair.serialNumber());
    annotations.put(FleetNames.TLS_NOT_AFTER_ANNOTATION, pair.notAfter().toString());
    annotations.put(FleetNames.TLS_SOURCE_ANNOTATION, source);
    return secret;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
