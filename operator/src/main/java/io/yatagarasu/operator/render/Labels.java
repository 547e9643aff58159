package io.yatagarasu.operator.render;

/** Label keys and values the operator reads or writes. */
public final class Labels {
  /** Only Secrets with this label set to {@code "true"} are read as credentials. */
  public static final String CREDENTIALS = "yatagarasu.io/credentials";

  public static final String CREDENTIALS_SELECTOR = CREDENTIALS + "=true";

  /** The fleet (S3ProxyConfig name) an owned object belongs to. */
  public static final String FLEET = "yatagarasu.io/fleet";

  /** What an owned object is: proxy, config, admin-token. */
  public static final String COMPONENT = "yatagarasu.io/component";

  public static final String APP_NAME = "app.kubernetes.io/name";
  public static final String APP_INSTANCE = "app.kubernetes.io/instance";
  public static final String APP_MANAGED_BY = "app.kubernetes.io/managed-by";

  private Labels() {}
}
