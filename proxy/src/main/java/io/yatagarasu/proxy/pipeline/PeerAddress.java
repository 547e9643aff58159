package io.yatagarasu.proxy.pipeline;

import io.netty.channel.Channel;
import io.yatagarasu.proxy.auth.ClientAddresses;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * A client connection's peer address as bytes and as text, worked out once per connection instead
 * of once per request, and the text of the address the bucket's rules last resolved (the peer
 * itself unless trusted forwarding headers name another client). Used on the connection's event
 * loop only.
 */
final class PeerAddress {
  private String text;
  private byte[] bytes;
  private byte[] resolved;
  private String resolvedText;

  /** The peer as the access log's {@code peer} shows it. */
  String text(Channel channel) {
    String t = text;
    if (t == null) {
      SocketAddress address = channel.remoteAddress();
      if (address instanceof InetSocketAddress inet) {
        t = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      } else {
        t = String.valueOf(address);
      }
      text = t;
    }
    return t;
  }

  /**
   * The peer's address bytes (all zero IPv4 when the peer is not an IP address); shared by the
   * connection's requests, so never to be modified.
   */
  byte[] bytes(Channel channel) {
    byte[] b = bytes;
    if (b == null) {
      if (channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
        b = inet.getAddress().getAddress();
      } else {
        b = new byte[4];
      }
      bytes = b;
    }
    return b;
  }

  /** {@link ClientAddresses.Resolved#text()}, kept while the resolved address stays the same. */
  String text(ClientAddresses.Resolved address) {
    byte[] a = address.address();
    if (a == null) {
      return null;
    }
    if (!Arrays.equals(a, resolved)) {
      resolvedText = address.text();
      resolved = a.clone();
    }
    return resolvedText;
  }
}
