package io.yatagarasu.proxy.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Address allow and deny lists (CIDR blocks, IPv4 and IPv6). An address is allowed when the allow
 * list is empty or matches it, and the deny list does not. IPv4-mapped IPv6 addresses count as
 * IPv4.
 */
public final class IpRules {
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final IpRules OPEN = new IpRules(List.of(), List.of());

  private final List<Block> allow;
  private final List<Block> deny;

  /** One CIDR block. */
  record Block(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private IpRules(List<Block> allow, List<Block> deny) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
  }

  public static IpRules of(List<String> allow, List<String> deny) {
    if (allow.isEmpty() && deny.isEmpty()) {
      return OPEN;
    }
    return new IpRules(blocks(allow), blocks(deny));
  }

  /** Whether the lists can refuse any address at all. */
  public boolean restricts() {
    return !allow.isEmpty() || !deny.isEmpty();
  }

  public boolean allows(byte[] address) {
    byte[] normal = normalise(address);
    if (!allow.isEmpty() && !contains(allow, normal)) {
      return false;
    }
    return !contains(deny, normal);
  }

  /** Whether any block contains the address. */
  static boolean anyContains(List<Block> blocks, byte[] address) {
    return contains(blocks, normalise(address));
  }

  // A loop by index: checked on every request, it allocates nothing (a stream would).
  private static boolean contains(List<Block> blocks, byte[] normal) {
    for (int i = 0; i < blocks.size(); i++) {
      if (blocks.get(i).contains(normal)) {
        return true;
      }
    }
    return false;
  }

  static List<Block> blocks(List<String> cidrs) {
    List<Block> blocks = new ArrayList<>();
    for (String cidr : cidrs) {
      int slash = cidr.indexOf('/');
      byte[] address = parseLiteral(slash < 0 ? cidr : cidr.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException(cidr + " is not an address or CIDR block");
      }
      int bits = slash < 0 ? address.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
      blocks.add(
          new Block(
              normalise(address), address.length == 16 && isMapped(address) ? bits - 96 : bits));
    }
    return blocks;
  }

  /**
   * The bytes of an IP literal (IPv4 dotted quad, or IPv6 with or without brackets), or null for
   * anything else. Never looks a name up: IPv4 is parsed here, and IPv6 reaches {@link
   * InetAddress#getByName} only in brackets, which the JDK parses as a literal or refuses.
   */
  public static byte[] parseLiteral(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      return parseIpv6(t.substring(1, t.length() - 1));
    }
    return t.indexOf(':') >= 0 ? parseIpv6(t) : parseIpv4(t);
  }

  /** Four decimal parts of one to three digits, each at most 255. */
  static byte[] parseIpv4(String t) {
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= t.length(); i++) {
      char c = i == t.length() ? '.' : t.charAt(i);
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && digits > 0 && part < 4) {
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }

  /** An IPv6 literal without brackets or zone (an embedded IPv4 tail is allowed). */
  static byte[] parseIpv6(String t) {
    if (t.length() < 2 || t.length() > 45 || t.indexOf(':') < 0 || !IPV6.matcher(t).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName("[" + t + "]").getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isMapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }

  static byte[] normalise(byte[] address) {
    if (address.length == 16 && isMapped(address)) {
      byte[] v4 = new byte[4];
      System.arraycopy(address, 12, v4, 0, 4);
      return v4;
    }
    return address;
  }
}
