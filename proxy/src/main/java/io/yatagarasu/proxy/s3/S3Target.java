package io.yatagarasu.proxy.s3;

import static java.util.Objects.requireNonNull;

import io.yatagarasu.config.BucketConfig;
import java.net.URI;

/**
 * Where and how a bucket's objects are fetched: the address to connect to, the Host header, the
 * path under which keys live, and the signing region. Derived once per configuration.
 */
public record S3Target(
    String scheme,
    String connectHost,
    int port,
    String hostHeader,
    String basePath,
    String keyPrefix,
    String region) {

  public S3Target {
    requireNonNull(scheme, "scheme");
    requireNonNull(connectHost, "connectHost");
    requireNonNull(hostHeader, "hostHeader");
    requireNonNull(basePath, "basePath");
    requireNonNull(keyPrefix, "keyPrefix");
    requireNonNull(region, "region");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  public boolean tls() {
    return scheme.equals("https");
  }

  /** A key for connection pools: targets with the same key can share connections. */
  public String endpointKey() {
    return scheme + "://" + connectHost + ":" + port;
  }

  /** The encoded upstream path of an object key (the key prefix is prepended). */
  public String objectPath(String key) {
    return basePath + "/" + S3Uris.encodePath(keyPrefix + key);
  }

  public static S3Target of(BucketConfig bucket) {
    return of(bucket.s3());
  }

  /** The address, Host header, base path and region of one configured target. */
  public static S3Target of(io.yatagarasu.config.S3Target s3) {
    URI endpoint = s3.endpoint();
    String scheme;
    String host;
    int port;
    if (endpoint != null) {
      scheme = endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
      host = endpoint.getHost();
      port = endpoint.getPort() > 0 ? endpoint.getPort() : (scheme.equals("https") ? 443 : 80);
    } else {
      scheme = "https";
      host = "s3." + s3.region() + ".amazonaws.com" + (s3.region().startsWith("cn-") ? ".cn" : "");
      port = 443;
    }
    boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
    if (s3.pathStyle()) {
      String hostHeader = defaultPort ? host : hostAndPort(host, port);
      return new S3Target(
          scheme, host, port, hostHeader, "/" + s3.bucket(), s3.keyPrefix(), s3.region());
    }
    String virtualHost = s3.bucket() + "." + host;
    String hostHeader = defaultPort ? virtualHost : hostAndPort(virtualHost, port);
    return new S3Target(scheme, virtualHost, port, hostHeader, "", s3.keyPrefix(), s3.region());
  }

  private static String hostAndPort(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }
}
