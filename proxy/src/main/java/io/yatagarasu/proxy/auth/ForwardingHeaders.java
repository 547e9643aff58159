package io.yatagarasu.proxy.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits the forwarding headers into hops, left (farthest from the proxy) to right (nearest), and
 * reads one hop's address the way load balancers write it. Several field lines with one name are
 * one comma-joined list in order (RFC 9110 section 5.3); empty list elements are skipped.
 */
final class ForwardingHeaders {
  /** A {@code Forwarded} element that has no usable {@code for=} parameter. */
  static final String NO_NODE = "";

  private static final Pattern OBFUSCATED_PORT = Pattern.compile("_[A-Za-z0-9._-]+");

  private ForwardingHeaders() {}

  /** The non-empty, trimmed elements of every {@code X-Forwarded-For} line, in order. */
  static List<String> xForwardedFor(List<String> lines) {
    List<String> hops = new ArrayList<>();
    for (String line : lines) {
      int start = 0;
      for (int i = 0; i <= line.length(); i++) {
        if (i == line.length() || line.charAt(i) == ',') {
          String hop = line.substring(start, i).strip();
          if (!hop.isEmpty()) {
            hops.add(hop);
          }
          start = i + 1;
        }
      }
    }
    return hops;
  }

  /**
   * The {@code for=} value of each non-empty RFC 7239 {@code Forwarded} element, in order ({@link
   * #NO_NODE} for an element without one, or one that is malformed), or an empty list when no
   * element carries {@code for=} at all (a header that only says {@code proto=https} names no
   * hops).
   */
  static List<String> forwardedFor(List<String> lines) {
    List<String> hops = new ArrayList<>();
    boolean anyFor = false;
    for (String line : lines) {
      int i = 0;
      while (i <= line.length()) {
        Element element = element(line, i);
        i = element.end + 1;
        if (element.empty) {
          continue;
        }
        hops.add(element.node == null ? NO_NODE : element.node);
        anyFor |= element.hasFor;
      }
    }
    return anyFor ? hops : List.of();
  }

  private record Element(int end, boolean empty, boolean hasFor, String node) {}

  /** Reads one element from {@code start} to the next comma outside a quoted string. */
  private static Element element(String line, int start) {
    boolean empty = true;
    boolean malformed = false;
    String node = null;
    int fors = 0;
    int i = start;
    while (true) {
      // One pair: name "=" (token | quoted-string), up to ';' or ',' or the end.
      int nameStart = i;
      while (i < line.length() && ";,=".indexOf(line.charAt(i)) < 0) {
        i++;
      }
      String name = line.substring(nameStart, i).strip();
      String value = null;
      if (i < line.length() && line.charAt(i) == '=') {
        i++;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
          i++;
        }
        if (i < line.length() && line.charAt(i) == '"') {
          StringBuilder quoted = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < line.length()) {
            char c = line.charAt(i++);
            if (c == '\\' && i < line.length()) {
              quoted.append(line.charAt(i++));
            } else if (c == '"') {
              closed = true;
              break;
            } else {
              quoted.append(c);
            }
          }
          value = quoted.toString();
          malformed |= !closed;
          int after = i;
          while (i < line.length() && ";,".indexOf(line.charAt(i)) < 0) {
            i++;
          }
          malformed |= !line.substring(after, i).isBlank();
        } else {
          int valueStart = i;
          while (i < line.length() && ";,".indexOf(line.charAt(i)) < 0) {
            i++;
          }
          value = line.substring(valueStart, i).strip();
        }
      }
      if (!name.isEmpty() || value != null) {
        empty = false;
        if (value == null || name.isEmpty()) {
          malformed = true;
        } else if (name.equalsIgnoreCase("for")) {
          fors++;
          node = value;
        }
      }
      if (i >= line.length() || line.charAt(i) == ',') {
        break;
      }
      i++; // past ';'
    }
    boolean usable = !malformed && fors == 1;
    return new Element(i, empty, fors > 0, usable ? node : null);
  }

  /**
   * The address of one hop: IPv4, IPv6 (bare or in brackets), either with a port ({@code
   * 203.0.113.7:5123}, {@code [2001:db8::1]:443}); or null for anything else ({@code unknown}, an
   * obfuscated identifier, a host name, garbage).
   */
  static byte[] node(String hop) {
    String t = hop.strip();
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        return null;
      }
      String rest = t.substring(close + 1);
      if (!rest.isEmpty() && !(rest.charAt(0) == ':' && isPort(rest.substring(1)))) {
        return null;
      }
      return IpRules.parseIpv6(t.substring(1, close));
    }
    int colon = t.indexOf(':');
    if (colon >= 0 && colon == t.lastIndexOf(':')) {
      return isPort(t.substring(colon + 1)) ? IpRules.parseIpv4(t.substring(0, colon)) : null;
    }
    return colon >= 0 ? IpRules.parseIpv6(t) : IpRules.parseIpv4(t);
  }

  /** A decimal port, or an RFC 7239 obfuscated port ({@code _abc}). */
  private static boolean isPort(String p) {
    if (OBFUSCATED_PORT.matcher(p).matches()) {
      return true;
    }
    if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Integer.parseInt(p) <= 65535;
  }
}
