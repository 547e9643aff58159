package io.yatagarasu.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client address over the header shapes load balancers and attackers send. The proxy trusts the
 * load balancer on 127.0.0.1, an inner tier on 192.0.2.0/24 and 2001:db8:ffff::/48.
 */
class ClientAddressesTest {
  private static final ClientAddresses ADDRESSES =
      new ClientAddresses(List.of("127.0.0.1/32", "192.0.2.0/24", "2001:db8:ffff::/48"));
  private static final String LB = "127.0.0.1";
  private static final String OUTSIDER = "203.0.113.5";
  private static final String UNKNOWN = "unknown client";

  private static Arguments row(
      String shape, String peer, List<String> xff, List<String> forwarded, String expected) {
    return Arguments.of(shape, peer, xff, forwarded, expected);
  }

  private static Arguments xff(String shape, List<String> lines, String expected) {
    return row(shape, LB, lines, List.of(), expected);
  }

  private static Arguments fwd(String shape, List<String> lines, String expected) {
    return row(shape, LB, List.of(), lines, expected);
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        // A peer that is not a trusted proxy is the client, whatever it sends.
        row("untrusted peer, no header", OUTSIDER, List.of(), List.of(), OUTSIDER),
        row("untrusted peer, one line", OUTSIDER, List.of("10.1.2.3"), List.of(), OUTSIDER),
        row(
            "untrusted peer, two lines",
            OUTSIDER,
            List.of("10.1.2.3", "8.8.8.8"),
            List.of(),
            OUTSIDER),
        row("untrusted peer, garbage", OUTSIDER, List.of("garbage"), List.of(), OUTSIDER),
        row("untrusted peer, Forwarded", OUTSIDER, List.of(), List.of("for=10.1.2.3"), OUTSIDER),
        row(
            "untrusted peer, both headers disagreeing",
            OUTSIDER,
            List.of("8.8.8.8"),
            List.of("for=10.1.2.3"),
            OUTSIDER),
        // A trusted peer.
        xff("trusted peer, no header", List.of(), LB),
        xff("one line, one entry", List.of("203.0.113.7"), "203.0.113.7"),
        xff("one line, right-most wins", List.of("10.1.2.3, 8.8.8.8"), "8.8.8.8"),
        xff("two lines, allowed first", List.of("10.1.2.3", "8.8.8.8"), "8.8.8.8"),
        xff("two lines, allowed second", List.of("8.8.8.8", "10.1.2.3"), "10.1.2.3"),
        xff("three lines", List.of("6.6.6.6", "10.1.2.3", "8.8.8.8"), "8.8.8.8"),
        xff(
            "spoofed entries left of the client are ignored",
            List.of("6.6.6.6, 203.0.113.7, 192.0.2.10"),
            "203.0.113.7"),
        xff(
            "trusted chain of two hops over two lines",
            List.of("6.6.6.6, 203.0.113.7", "192.0.2.10"),
            "203.0.113.7"),
        xff(
            "trusted chain of two hops, one line each",
            List.of("6.6.6.6", "203.0.113.7", "192.0.2.10", "192.0.2.11"),
            "203.0.113.7"),
        xff("every hop trusted: the left-most", List.of("192.0.2.10, 192.0.2.11"), "192.0.2.10"),
        xff("IPv4 with port", List.of("203.0.113.7:5123"), "203.0.113.7"),
        xff("IPv6 in brackets with port", List.of("[2001:db8::1]:443"), "2001:db8:0:0:0:0:0:1"),
        xff("IPv6 in brackets", List.of("[2001:db8::1]"), "2001:db8:0:0:0:0:0:1"),
        xff("bare IPv6", List.of("2001:db8::1"), "2001:db8:0:0:0:0:0:1"),
        xff("IPv4-mapped IPv6 counts as IPv4", List.of("::ffff:203.0.113.7"), "203.0.113.7"),
        xff(
            "trusted IPv6 hop",
            List.of("2001:db8::1, [2001:db8:ffff::5]:8443"),
            "2001:db8:0:0:0:0:0:1"),
        xff("spaces and tabs", List.of("  6.6.6.6 ,\t203.0.113.7\t,  192.0.2.10  "), "203.0.113.7"),
        xff("empty elements", List.of(", ,203.0.113.7,,"), "203.0.113.7"),
        xff("an empty line and a line", List.of("", "203.0.113.7"), "203.0.113.7"),
        xff("only empty elements name no hop", List.of(" , ", ""), LB),
        xff("garbage left of the client is not looked at", List.of("garbage, 8.8.8.8"), "8.8.8.8"),
        xff("garbage right-most", List.of("10.1.2.3, garbage"), UNKNOWN),
        xff("garbage behind a trusted hop", List.of("garbage, 192.0.2.10"), UNKNOWN),
        xff("garbage in a second line", List.of("203.0.113.7", "nonsense"), UNKNOWN),
        xff("the word unknown", List.of("unknown"), UNKNOWN),
        xff("a host name is not looked up", List.of("proxy.example.com"), UNKNOWN),
        xff("an octet over 255 is not looked up", List.of("999.1.1.1"), UNKNOWN),
        xff("a port over 65535", List.of("203.0.113.7:99999"), UNKNOWN),
        xff("an empty port", List.of("203.0.113.7:"), UNKNOWN),
        xff("an IPv6 zone", List.of("[fe80::1%eth0]"), UNKNOWN),
        xff("IPv4 in brackets", List.of("[203.0.113.7]"), UNKNOWN),
        xff("an unclosed bracket", List.of("[2001:db8::1"), UNKNOWN),
        xff("three-part IPv4", List.of("203.0.113"), UNKNOWN),
        // RFC 7239 Forwarded, honoured from trusted proxies.
        fwd("Forwarded, one element", List.of("for=203.0.113.7"), "203.0.113.7"),
        fwd(
            "Forwarded, quoted IPv6 with port",
            List.of("for=\"[2001:db8::1]:443\""),
            "2001:db8:0:0:0:0:0:1"),
        fwd("Forwarded, IPv4 with port", List.of("for=\"203.0.113.7:5123\""), "203.0.113.7"),
        fwd("Forwarded, obfuscated port", List.of("for=\"203.0.113.7:_p1\""), "203.0.113.7"),
        fwd(
            "Forwarded, several lines and a trusted chain",
            List.of("for=6.6.6.6", "for=203.0.113.7;proto=https, for=192.0.2.10;by=127.0.0.1"),
            "203.0.113.7"),
        fwd(
            "Forwarded, names are case-insensitive",
            List.of("For=203.0.113.7;By=x"),
            "203.0.113.7"),
        fwd(
            "Forwarded, a quoted comma does not split elements",
            List.of("for=\"[2001:db8::1]:443\";host=\"a,b\", for=192.0.2.10"),
            "2001:db8:0:0:0:0:0:1"),
        fwd("Forwarded, empty elements", List.of(", for=203.0.113.7 ,,"), "203.0.113.7"),
        fwd("Forwarded, for=unknown", List.of("for=unknown"), UNKNOWN),
        fwd("Forwarded, obfuscated node", List.of("for=_hidden"), UNKNOWN),
        fwd("Forwarded, unclosed quote", List.of("for=\"203.0.113.7"), UNKNOWN),
        fwd("Forwarded, two for in one element", List.of("for=8.8.8.8;for=10.1.2.3"), UNKNOWN),
        fwd(
            "Forwarded, right-most element without for",
            List.of("for=10.1.2.3, proto=https"),
            UNKNOWN),
        fwd("Forwarded, a pair without a value", List.of("for"), LB),
        row(
            "Forwarded without any for= is ignored",
            LB,
            List.of("203.0.113.7"),
            List.of("proto=https;host=files.example.com"),
            "203.0.113.7"),
        row(
            "both headers agree",
            LB,
            List.of("6.6.6.6", "203.0.113.7:4711"),
            List.of("for=\"203.0.113.7:4711\""),
            "203.0.113.7"),
        row("both headers disagree", LB, List.of("203.0.113.7"), List.of("for=10.1.2.3"), UNKNOWN),
        row(
            "X-Forwarded-For garbage, Forwarded fine",
            LB,
            List.of("garbage"),
            List.of("for=203.0.113.7"),
            UNKNOWN),
        row(
            "X-Forwarded-For fine, Forwarded garbage",
            LB,
            List.of("203.0.113.7"),
            List.of("for=garbage"),
            UNKNOWN),
        row(
            "IPv4-mapped trusted peer",
            "::ffff:127.0.0.1",
            List.of("8.8.8.8"),
            List.of(),
            "8.8.8.8"),
        row(
            "IPv4-mapped untrusted peer is folded",
            "::ffff:203.0.113.5",
            List.of("8.8.8.8"),
            List.of(),
            OUTSIDER));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void resolvesTheClientOfEveryHeaderShape(
      String shape, String peer, List<String> xff, List<String> forwarded, String expected) {
    ClientAddresses.Resolved resolved =
        ADDRESSES.resolve(
            IpRules.parseLiteral(peer),
            Map.of("X-Forwarded-For", xff, "Forwarded", forwarded)::get);
    if (expected.equals(UNKNOWN)) {
      assertThat(resolved.address()).as(shape).isNull();
      assertThat(resolved.problem()).as(shape).isNotBlank();
    } else {
      assertThat(resolved.text()).as(shape).isEqualTo(expected);
      assertThat(resolved.problem()).as(shape).isNull();
    }
  }

  @Test
  void theSameListGivesTheSameClientWhateverItsLineBreaks() {
    List<List<String>> sameList =
        List.of(
            List.of("10.1.2.3, 8.8.8.8, 192.0.2.10"),
            List.of("10.1.2.3", "8.8.8.8", "192.0.2.10"),
            List.of("10.1.2.3, 8.8.8.8", "192.0.2.10"),
            List.of("10.1.2.3", "8.8.8.8, 192.0.2.10"));
    for (List<String> lines : sameList) {
      assertThat(resolve(lines).text()).as(lines.toString()).isEqualTo("8.8.8.8");
    }
  }

  @Test
  void rotatingTheSpoofedEntriesDoesNotChangeTheClient() {
    for (int i = 0; i < 50; i++) {
      String spoof = "10." + i + ".0." + (i * 7 % 256);
      assertThat(resolve(List.of(spoof, "198.51.100.9")).text()).isEqualTo("198.51.100.9");
      assertThat(resolve(List.of(spoof + ", 198.51.100.9")).text()).isEqualTo("198.51.100.9");
    }
  }

  @Test
  void theReasonNamesTheEntryButQuotesNoHeaderValue() {
    ClientAddresses.Resolved resolved = resolve(List.of("8.8.8.8, secret-host, 192.0.2.10"));
    assertThat(resolved.problem())
        .isEqualTo(
            "X-Forwarded-For entry 2 from the right is not an IP address, so the client address"
                + " is unknown.")
        .doesNotContain("secret-host");
    assertThat(
            ADDRESSES
                .resolve(
                    IpRules.parseLiteral(LB),
                    Map.of(
                            "X-Forwarded-For",
                            List.of("8.8.8.8"),
                            "Forwarded",
                            List.of("for=9.9.9.9"))
                        ::get)
                .problem())
        .isEqualTo("X-Forwarded-For and Forwarded name different clients.");
  }

  @Test
  void withoutTrustedProxiesNoHeaderIsBelieved() {
    ClientAddresses none = new ClientAddresses(List.of());
    assertThat(
            none.resolve(IpRules.parseLiteral("10.0.0.2"), name -> List.of("1.2.3.4", "garbage"))
                .text())
        .isEqualTo("10.0.0.2");
  }

  @Test
  void anUntrustedPeerNeverHasItsHeadersRead() {
    ClientAddresses.Resolved resolved =
        ADDRESSES.resolve(
            IpRules.parseLiteral(OUTSIDER),
            name -> {
              throw new AssertionError("read " + name);
            });
    assertThat(resolved.text()).isEqualTo(OUTSIDER);
  }

  private static ClientAddresses.Resolved resolve(List<String> xffLines) {
    return ADDRESSES.resolve(IpRules.parseLiteral(LB), Map.of("X-Forwarded-For", xffLines)::get);
  }
}
