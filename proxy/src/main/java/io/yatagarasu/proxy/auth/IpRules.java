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
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
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

  public boolean allows(byte[] address) {
    byte[] normal = normalise(address);
    if (!allow.isEmpty() && allow.stream().noneMatch(b -> b.contains(normal))) {
      return false;
    }
    return deny.stream().noneMatch(b -> b.contains(normal));
  }

  /** Whether any block contains the address. */
  static boolean anyContains(List<Block> blocks, byte[] address) {
    byte[] normal = normalise(address);
    return blocks.stream().anyMatch(b -> b.contains(normal));
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
   * The bytes of an IP literal, or null for anything else. Only literals reach {@link
   * InetAddress#getByName}, so no name is ever looked up.
   */
  public static byte[] parseLiteral(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(t).getAddress();
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
