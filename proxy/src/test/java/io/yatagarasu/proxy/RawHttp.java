package io.yatagarasu.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 client connection for hostile tests: writes bytes exactly as given and reads
 * answers one at a time, telling an answer, a clean close and a silent connection apart.
 */
final class RawHttp implements AutoCloseable {
  /** One answer as read off the wire. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    boolean closes() {
      return "close".equalsIgnoreCase(header("connection"));
    }
  }

  /** What came back for one read: an answer, the end of the stream, or nothing in time. */
  sealed interface Outcome permits Got, Closed, Silent {}

  record Got(Answer answer) implements Outcome {}

  record Closed() implements Outcome {}

  record Silent() implements Outcome {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawHttp(int port, int readTimeoutMillis) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(readTimeoutMillis);
    socket.setTcpNoDelay(true);
    in = new java.io.BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Half-closes: the proxy sees the end of the request stream and may still answer. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Reads the next answer; a {@code HEAD} answer has no body. */
  Outcome read(boolean head) throws IOException {
    String statusLine;
    try {
      statusLine = line();
    } catch (SocketTimeoutException e) {
      return new Silent();
    } catch (EOFException | SocketException e) {
      return new Closed();
    }
    if (statusLine == null) {
      return new Closed();
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    byte[] body;
    if (head || status == 204 || status == 304 || status / 100 == 1) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = chunked();
    } else if (headers.containsKey("content-length")) {
      body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    } else {
      body = in.readAllBytes();
    }
    return new Got(new Answer(status, headers, body));
  }

  /** The next answer, failing when the connection closed or stayed silent. */
  Answer answer() throws IOException {
    return answer(false);
  }

  Answer answer(boolean head) throws IOException {
    Outcome outcome = read(head);
    if (outcome instanceof Got got) {
      return got.answer();
    }
    throw new AssertionError("expected an answer, got " + outcome);
  }

  /** True when the proxy closes the connection before the read timeout, with no further answer. */
  boolean closedWithoutAnswer() throws IOException {
    return read(false) instanceof Closed;
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      if (sizeLine == null) {
        throw new EOFException("chunked body cut short");
      }
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        for (String t = line(); t != null && !t.isEmpty(); t = line()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      line();
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    if (b.size() == 0) {
      return null;
    }
    throw new EOFException("line cut short");
  }

  /** A GET with the given extra header lines (each without CRLF). */
  static String get(String target, List<String> headers) {
    StringBuilder b = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n");
    b.append("Host: proxy.test\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
