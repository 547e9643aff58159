package io.yatagarasu.demo;

import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One request the demo suggests trying, printed as a curl command line and replayed by the demo's
 * integration test with the status it should get.
 *
 * @param description what the request shows
 * @param admin whether it goes to the admin listener instead of the data listener
 * @param head whether it is a HEAD request ({@code curl -I})
 * @param path the request path, already percent-encoded
 * @param headers request headers
 * @param expectedStatus the status a working proxy answers with
 */
record CurlExample(
    String description,
    boolean admin,
    boolean head,
    String path,
    Map<String, String> headers,
    int expectedStatus) {

  CurlExample {
    headers = Map.copyOf(headers);
  }

  static CurlExample get(String description, String path, int expectedStatus) {
    return new CurlExample(description, false, false, path, Map.of(), expectedStatus);
  }

  /** The URL of this request against the given listeners. */
  String url(InetSocketAddress data, InetSocketAddress adminAddress) {
    InetSocketAddress target = admin ? adminAddress : data;
    return "http://127.0.0.1:" + target.getPort() + path;
  }

  /** A curl command line that a POSIX shell runs as is. */
  String command(InetSocketAddress data, InetSocketAddress adminAddress) {
    StringBuilder command = new StringBuilder("curl ").append(head ? "-I" : "-i");
    headers.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(h -> command.append(" -H ").append(shellQuote(h.getKey() + ": " + h.getValue())));
    return command.append(' ').append(shellQuote(url(data, adminAddress))).toString();
  }

  /** Percent-encodes each segment of an object key, keeping the slashes between them. */
  static String encodeKey(String key) {
    return Arrays.stream(key.split("/", -1))
        .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("/"));
  }

  /** Single-quotes for a POSIX shell when the text holds anything a shell would interpret. */
  static String shellQuote(String text) {
    if (text.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return text;
    }
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
