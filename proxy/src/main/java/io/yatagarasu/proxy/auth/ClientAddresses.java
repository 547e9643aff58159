package io.yatagarasu.proxy.auth;

import java.util.List;

/**
 * Decides which address a request comes from. {@code X-Forwarded-For} is believed only when the
 * connection comes from a trusted proxy, and then only up to the first hop that is not one.
 */
public final class ClientAddresses {
  private final List<IpRules.Block> trusted;

  public ClientAddresses(List<String> trustedProxies) {
    this.trusted = IpRules.blocks(trustedProxies);
  }

  /**
   * The client's address: the connection's peer, or, when the peer is a trusted proxy, the
   * right-most {@code X-Forwarded-For} entry that is not a trusted proxy itself.
   */
  public byte[] resolve(byte[] peer, String forwardedFor) {
    if (trusted.isEmpty() || forwardedFor == null || !IpRules.anyContains(trusted, peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    byte[] client = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      byte[] hop = IpRules.parseLiteral(hops[i]);
      if (hop == null) {
        return client;
      }
      client = hop;
      if (!IpRules.anyContains(trusted, hop)) {
        return hop;
      }
    }
    return client;
  }
}
