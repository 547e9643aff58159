package io.yatagarasu.operator.render;

/** Where files live inside a proxy pod; shared by the renderer and the Deployment. */
public final class PodLayout {
  /** The rendered-config Secret is mounted here, read-only. */
  public static final String CONFIG_DIR = "/etc/yatagarasu/config";

  /** The key of the rendered-config Secret, and the file name under {@link #CONFIG_DIR}. */
  public static final String CONFIG_KEY = "config.json";

  /** The admin-token Secret is mounted here, read-only. */
  public static final String ADMIN_TOKEN_DIR = "/etc/yatagarasu/admin";

  /** The key of the admin-token Secret, and the file name under {@link #ADMIN_TOKEN_DIR}. */
  public static final String ADMIN_TOKEN_KEY = "token";

  /** The data listener's kubernetes.io/tls Secret is mounted here, read-only. */
  public static final String TLS_DIR = "/etc/yatagarasu/tls";

  public static final String TLS_CERTIFICATE_FILE = TLS_DIR + "/tls.crt";
  public static final String TLS_PRIVATE_KEY_FILE = TLS_DIR + "/tls.key";
  public static final String CONFIG_FILE = CONFIG_DIR + "/" + CONFIG_KEY;
  public static final String ADMIN_TOKEN_FILE = ADMIN_TOKEN_DIR + "/" + ADMIN_TOKEN_KEY;

  private PodLayout() {}
}
