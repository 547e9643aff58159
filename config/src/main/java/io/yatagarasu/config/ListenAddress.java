package io.yatagarasu.config;

import java.util.Objects;

/**
 * A listener address, written {@code host:port} with IPv6 hosts in brackets ({@code [::1]:8080}).
 * The host is stored without brackets; port 0 asks for an ephemeral port.
 */
public record ListenAddress(String host, int port) {
  public ListenAddress {
    Objects.requireNonNull(host, "host");
    Rules.require("host", Rules.listenHost(host));
    Rules.require("port", Rules.PORT.problem(port));
  }

  /**
   * Parses {@code host:port} or {@code [ipv6]:port}.
   *
   * @throws IllegalArgumentException with a message naming the problem (without a field name)
   */
  public static ListenAddress parse(String text) {
    Objects.requireNonNull(text, "text");
    String host;
    String port;
    if (text.startsWith("[")) {
      int end = text.indexOf(']');
      if (end < 0 || !text.startsWith(":", end + 1)) {
        throw notAnAddress(text);
      }
      host = text.substring(1, end);
      port = text.substring(end + 2);
      if (host.indexOf(':') < 0) {
        throw notAnAddress(text);
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw notAnAddress(text);
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw notAnAddress(text);
      }
    }
    if (!port.matches("[0-9]{1,5}") || Rules.listenHost(host) != null) {
      throw notAnAddress(text);
    }
    String problem = Rules.PORT.problem(Integer.parseInt(port));
    if (problem != null) {
      throw new IllegalArgumentException(Rules.quote(text) + " has port " + problem);
    }
    return new ListenAddress(host, Integer.parseInt(port));
  }

  private static IllegalArgumentException notAnAddress(String text) {
    return new IllegalArgumentException(
        Rules.quote(text)
            + " is not a listen address (expected: host:port, e.g. 0.0.0.0:8080 or [::1]:8080)");
  }

  /** The document form: {@code host:port}, or {@code [host]:port} for IPv6. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
