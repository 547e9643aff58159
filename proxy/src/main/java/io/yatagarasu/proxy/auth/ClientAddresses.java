package io.yatagarasu.proxy.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which address a request comes from. The forwarding headers are believed only when the
 * connection comes from a trusted proxy; then every {@code X-Forwarded-For} line is read, in order,
 * as one list, and the client is the right-most hop that is not a trusted proxy, reached by walking
 * left only through trusted hops. RFC 7239 {@code Forwarded: for=} is read the same way; when both
 * headers name hops they must name the same client. A hop the walk reaches that is not an address
 * makes the client unknown: it never falls back to the peer.
 */
public final class ClientAddresses {
  static final String X_FORWARDED_FOR = "X-Forwarded-For";
  static final String FORWARDED = "Forwarded";

  private final List<IpRules.Block> trusted;

  /** Reads every field line of one request header, in order; null or empty when it is absent. */
  @FunctionalInterface
  public interface HeaderLines {
    List<String> all(String name);
  }

  /**
   * The outcome: the client's address (IPv4-mapped IPv6 folded to IPv4), or null and the reason it
   * is unknown (a message that quotes no header value).
   */
  public record Resolved(byte[] address, String problem) {
    static Resolved of(byte[] address) {
      return new Resolved(IpRules.normalise(address), null);
    }

    static Resolved unknown(String problem) {
      return new Resolved(null, problem);
    }

    /** The address as text for the access log, or null when it is unknown. */
    public String text() {
      if (address == null) {
        return null;
      }
      try {
        return InetAddress.getByAddress(address).getHostAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }

  public ClientAddresses(List<String> trustedProxies) {
    this.trusted = IpRules.blocks(trustedProxies);
  }

  /** The client of a request that came over a connection from {@code peer}. */
  public Resolved resolve(byte[] peer, HeaderLines headers) {
    if (trusted.isEmpty() || !IpRules.anyContains(trusted, peer)) {
      return Resolved.of(peer);
    }
    List<String> xff = ForwardingHeaders.xForwardedFor(lines(headers, X_FORWARDED_FOR));
    List<String> forwarded = ForwardingHeaders.forwardedFor(lines(headers, FORWARDED));
    Resolved fromXff = xff.isEmpty() ? null : walk(xff, X_FORWARDED_FOR);
    Resolved fromForwarded = forwarded.isEmpty() ? null : walk(forwarded, FORWARDED);
    if (fromXff == null) {
      return fromForwarded == null ? Resolved.of(peer) : fromForwarded;
    }
    if (fromForwarded == null || fromXff.address() == null) {
      return fromXff;
    }
    if (fromForwarded.address() == null) {
      return fromForwarded;
    }
    return Arrays.equals(fromXff.address(), fromForwarded.address())
        ? fromXff
        : Resolved.unknown("X-Forwarded-For and Forwarded name different clients.");
  }

  /** From the right: the first hop that is not a trusted proxy (or the left-most if all are). */
  private Resolved walk(List<String> hops, String header) {
    byte[] client = null;
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = ForwardingHeaders.node(hops.get(i));
      if (hop == null) {
        return Resolved.unknown(
            header
                + " entry "
                + (hops.size() - i)
                + " from the right is not an IP address, so the client address is unknown.");
      }
      client = hop;
      if (!IpRules.anyContains(trusted, hop)) {
        break;
      }
    }
    return Resolved.of(client);
  }

  private static List<String> lines(HeaderLines headers, String name) {
    List<String> lines = headers.all(name);
    return lines == null ? List.of() : lines;
  }
}
