package io.yatagarasu.proxy;

import java.util.List;
import java.util.Random;

/**
 * Writes the requests of one fuzz case: well-formed ones mixed with hostile request lines, targets,
 * encodings, headers, credentials and body framings. Bytes after a framing the proxy must refuse
 * carry a {@code smug-} request id that no answer may ever echo.
 */
final class RequestGenerator {
  private static final String[] OBJECTS = {
    "hello.txt", "dir/a%20b.txt", "unicode-%C3%BC.txt", "big.bin", "missing.txt", "dir/", ""
  };
  private static final String[] PREFIXES = {"/pub/", "/pub/", "/pub/", "/jwt/", "/nope/", "/"};
  private static final String[] ODD_PATHS = {
    "/pub/%2e%2e/jwt/hello.txt",
    "/pub/../jwt/hello.txt",
    "/pub/./hello.txt",
    "/pub/hello.txt%00",
    "/pub/%ZZ",
    "/pub/%",
    "/pub/%c3%28",
    "/pub/%C0%AE%C0%AE/x",
    "/pub//hello.txt",
    "/pub/hello.txt#frag",
    "/pub/hello%2Ftxt",
    "/pub/\u00e9t\u00e9",
    "/health",
    "*",
    "pub/hello.txt",
    "http://proxy.test/pub/hello.txt",
    "HTTP://proxy.test:80/pub/hello.txt?x=1",
    "http://proxy.test",
    "https://[::1]/pub/hello.txt",
    "//pub/hello.txt",
    "/pub/hello.txt;jsessionid=1"
  };
  private static final String[] QUERIES = {
    "",
    "",
    "",
    "?",
    "?versionId=abc",
    "?partNumber=1",
    "?partNumber=%G0",
    "?versionId=%",
    "?x=%ZZ",
    "?%",
    "?a=%41%42&b=%e3%81%82",
    "?a=1&a=2&&==&=x",
    "?x=%4",
    "?access_token=%ZZ",
    "?response-content-type=text/html",
    "?list-type=2"
  };
  private static final String[] VERSIONS = {
    "HTTP/1.1",
    "HTTP/1.1",
    "HTTP/1.1",
    "HTTP/1.1",
    "HTTP/1.1",
    "HTTP/1.1",
    "HTTP/1.0",
    "HTTP/2.0",
    "HTTP/9.9",
    "HTTP/0.9",
    "HTTP/1.2",
    "http/1.1",
    "HTTP/1.1x",
    "HTTP/11",
    "HTTP/"
  };
  private static final String[] METHODS = {
    "POST",
    "PUT",
    "DELETE",
    "OPTIONS",
    "PATCH",
    "get",
    "CONNECT",
    "TRACE",
    "G\u0000T",
    "GE<T",
    "GETGETGETGETGETGETGETGETGET"
  };
  private static final String[] BAD_CHUNKS = {
    "zz\r\nhello\r\n0\r\n\r\n",
    "-5\r\nhello\r\n0\r\n\r\n",
    "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    "5\nhello\r\n0\r\n\r\n",
    "5\r\nhelloEXTRA\r\n0\r\n\r\n",
    "5\r\nhello0\r\n\r\n",
    "5;ext=\"unterminated\r\nhello\r\n0\r\n\r\n",
    "5 \r\nhello\r\n0\r\n\r\n",
    "0x5\r\nhello\r\n0\r\n\r\n",
    "\r\n\r\n"
  };
  private static final String[] BAD_FRAMINGS = {
    "Transfer-Encoding: xchunked",
    "Transfer-Encoding: chunked, identity",
    "Transfer-Encoding: identity",
    "Transfer-Encoding: gzip, chunked",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
    "Transfer-Encoding : chunked",
    "Content-Length: 5\r\nContent-Length: 6",
    "Content-Length: -1",
    "Content-Length: abc",
    "Content-Length: 1e3",
    "Content-Length: 99999999999999999999"
  };

  private final Random r;
  private final List<String> tokens;
  private final RequestFuzzIT.FuzzCase c;

  RequestGenerator(Random r, List<String> tokens, RequestFuzzIT.FuzzCase c) {
    this.r = r;
    this.tokens = tokens;
    this.c = c;
  }

  private String pick(String[] from) {
    return from[r.nextInt(from.length)];
  }

  private boolean chance(int percent) {
    return r.nextInt(100) < percent;
  }

  /**
   * Appends one request to the data listener.
   *
   * @return true when nothing after it may be processed (the case ends here)
   */
  boolean request(StringBuilder out, int index) {
    String id = "c" + c.number + "-" + index;
    boolean clean = chance(55);
    boolean head = clean && chance(25);
    String method = head ? "HEAD" : chance(90) ? "GET" : pick(METHODS);
    String target;
    if (clean || chance(50)) {
      target = pick(PREFIXES) + pick(OBJECTS);
    } else if (chance(10)) {
      target = "/pub/" + "a".repeat(2100 + r.nextInt(500));
    } else {
      target = pick(ODD_PATHS);
    }
    String query = clean ? "" : pick(QUERIES);
    String version = clean ? "HTTP/1.1" : pick(VERSIONS);
    if (!version.startsWith("HTTP/1.")) {
      c.oddVersion = true;
    }
    if (!clean && chance(5)) {
      c.oddVersion = true;
      version = pick(VERSIONS) + " extra";
    }
    c.shape.add(method + " " + target + query + " " + version);
    out.append(method).append(' ').append(target).append(query).append(' ').append(version);
    out.append(!clean && chance(3) ? "\n" : "\r\n");

    int hostCase = clean ? 0 : r.nextInt(20);
    if (hostCase == 1) {
      c.shape.add("no-host");
    } else {
      out.append("Host: proxy.test\r\n");
      if (hostCase == 2) {
        out.append("Host: other.test\r\n");
        c.shape.add("two-hosts");
      } else if (hostCase == 3) {
        out.append("Host : spaced.test\r\n");
        c.shape.add("spaced-host");
      }
    }
    out.append("X-Request-Id: ").append(id).append("\r\n");
    if (!clean || chance(30)) {
      headers(out);
    }
    if (chance(10)) {
      out.append("Connection: close\r\n");
      c.shape.add("close");
      c.requests++;
      c.heads.add(head);
      body(out, id, true);
      return true;
    }
    c.requests++;
    c.heads.add(head);
    return body(out, id, clean);
  }

  private void headers(StringBuilder out) {
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(24)) {
        case 0 -> out.append("Range: bytes=0-3\r\n");
        case 1 -> out.append("Range: bytes=-5\r\n");
        case 2 -> out.append("Range: bytes=5-1\r\n");
        case 3 -> out.append("Range: bytes=0-1,2-3,4-5\r\n");
        case 4 -> out.append("If-None-Match: *\r\n");
        case 5 -> out.append("Origin: https://app.test\r\n");
        case 6 -> out.append("Authorization: Bearer ").append(token()).append("\r\n");
        case 7 ->
            out.append("Authorization: Bearer ")
                .append(token())
                .append("\r\nAuthorization: Bearer abc.def.ghi\r\n");
        case 8 -> out.append("Authorization: Bearer\r\n");
        case 9 -> out.append("Authorization: Basic dXNlcjpwYXNz\r\n");
        case 10 -> out.append("Cookie: session=").append(token()).append("\r\n");
        case 11 -> out.append("Cookie: session=a.b.c; session=").append(token()).append("\r\n");
        case 12 -> out.append("X-Forwarded-For: 10.0.0.1, 203.0.113.9\r\n");
        case 13 -> out.append("Bad Header: x\r\n");
        case 14 -> out.append("X-Folded: a\r\n  continued\r\n");
        case 15 -> out.append("X-Nul: a\u0000b\r\n");
        case 16 -> out.append("X-Cr: a\rb\r\n");
        case 17 -> out.append("X-Big: ").append("b".repeat(9000)).append("\r\n");
        case 18 -> {
          for (int h = 0; h < 150; h++) {
            out.append("X-Many-").append(h).append(": v\r\n");
          }
        }
        case 19 -> out.append("Expect: 100-continue\r\n");
        case 20 -> out.append("X-Request-Id: two\r\n");
        case 21 -> out.append(": empty-name\r\n");
        case 22 -> out.append("X-Utf8: \u00e9\u00ff\r\n");
        default -> out.append("Authorization: Bearer ").append(forgedToken()).append("\r\n");
      }
    }
  }

  private String token() {
    return tokens.get(r.nextInt(tokens.size()));
  }

  private String forgedToken() {
    String valid = tokens.get(0);
    return switch (r.nextInt(4)) {
      case 0 -> valid.substring(0, valid.lastIndexOf('.') + 1);
      case 1 -> valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA";
      case 2 -> "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
      default -> "x".repeat(r.nextInt(3000));
    };
  }

  /** Appends the end of the head and a body; returns true when the connection must end. */
  private boolean body(StringBuilder out, String id, boolean clean) {
    int kind = clean ? 0 : r.nextInt(14);
    String smuggled = smuggled(id);
    switch (kind) {
      case 1 -> {
        String body = chance(50) ? smuggled : "hello";
        out.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        c.shape.add("content-length body");
        return false;
      }
      case 2 -> {
        String data = chance(50) ? smuggled : "hello";
        out.append("Transfer-Encoding: chunked\r\n\r\n")
            .append(Integer.toHexString(data.length()))
            .append("\r\n")
            .append(data)
            .append("\r\n0\r\n\r\n");
        c.shape.add("chunked body");
        return false;
      }
      case 3, 4 -> {
        out.append("Transfer-Encoding: chunked\r\n\r\n").append(pick(BAD_CHUNKS)).append(smuggled);
        c.shape.add("bad chunks");
        return true;
      }
      case 5, 6 -> {
        out.append(pick(BAD_FRAMINGS)).append("\r\n\r\n").append("5\r\nhello\r\n0\r\n\r\n");
        out.append(smuggled);
        c.shape.add("bad framing");
        return true;
      }
      case 7 -> {
        // Length and chunked together: chunked decides (RFC 9112 6.3) and the rest is a body.
        out.append("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        c.shape.add("length and chunked");
        return false;
      }
      case 8 -> {
        out.append("Content-Length: 100000\r\n\r\n").append(smuggled);
        c.shape.add("oversized body");
        return true;
      }
      case 9 -> {
        out.append("Content-Length: 50\r\n\r\nshort");
        c.shape.add("body cut short");
        c.halfClose = true;
        return true;
      }
      default -> {
        out.append("\r\n");
        return false;
      }
    }
  }

  private static String smuggled(String id) {
    return "GET /pub/hello.txt HTTP/1.1\r\nHost: proxy.test\r\nX-Request-Id: smug-"
        + id
        + "\r\n\r\n";
  }

  /** Appends one request to the admin listener; never a well-formed configuration document. */
  boolean admin(StringBuilder out, int index) {
    String id = "c" + c.number + "-" + index;
    String auth =
        switch (r.nextInt(4)) {
          case 0 -> "";
          case 1 -> "Authorization: Bearer " + RequestFuzzIT.adminToken() + "\r\n";
          case 2 -> "Authorization: Bearer wrong-token\r\n";
          default ->
              "Authorization: Bearer "
                  + RequestFuzzIT.adminToken()
                  + "\r\nAuthorization: Bearer "
                  + RequestFuzzIT.adminToken()
                  + "\r\n";
        };
    String head = "Host: admin.test\r\nX-Request-Id: " + id + "\r\n" + auth;
    c.requests++;
    c.heads.add(false);
    switch (r.nextInt(7)) {
      case 0 -> out.append("GET /health HTTP/1.1\r\n").append(head).append("\r\n");
      case 1 -> out.append("GET /metrics HTTP/1.1\r\n").append(head).append("\r\n");
      case 2 -> out.append("GET /admin/config HTTP/1.1\r\n").append(head).append("\r\n");
      case 3 -> {
        String doc = "{\"buckets\": [{\"s3\": {\"secretAccessKey\": " + leak() + "}}]}";
        out.append("PUT /admin/config HTTP/1.1\r\n")
            .append(head)
            .append("Content-Length: ")
            .append(doc.length())
            .append("\r\n\r\n")
            .append(doc);
      }
      case 4 -> {
        out.append("PUT /admin/config HTTP/1.1\r\n")
            .append(head)
            .append("Content-Length: 900000000\r\n\r\n{");
        c.shape.add("admin huge body");
        return true;
      }
      case 5 -> {
        out.append("POST /health HTTP/1.1\r\n")
            .append(head)
            .append("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
        c.shape.add("admin body outside /admin");
        return true;
      }
      default -> {
        String doc = "{\"server\": " + leak() + "\"x\"}";
        out.append("PUT /admin/config HTTP/1.1\r\n")
            .append(head)
            .append("Transfer-Encoding: chunked\r\n\r\n")
            .append(Integer.toHexString(doc.length()))
            .append("\r\n")
            .append(doc)
            .append("\r\n0\r\n\r\n");
      }
    }
    c.shape.add("admin " + index);
    return false;
  }

  private String leak() {
    return RequestFuzzIT.leakMarker() + r.nextInt(1000);
  }
}
