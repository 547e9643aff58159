package io.yatagarasu.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake S3 endpoint that misbehaves on purpose, scripted per request path: it resets, closes
 * mid-body, stalls, sends garbage, malformed status lines, interim (1xx) answers, a wrong {@code
 * Content-Length}, broken chunked framing or a trickle. Paths with no fault are answered like S3
 * would answer a GET or HEAD of a stored object (or with a {@code NoSuchKey} 404), on keep-alive
 * connections.
 *
 * <p>It checks no signature: it injects faults, it does not stand in for S3. Everything S3 itself
 * does is tested against {@link S3ProxyServer}. One blocking thread per connection; {@link
 * #close()} closes every connection, which also ends every stall.
 */
public final class FaultyS3Server implements AutoCloseable {
  private static final int MAX_HEAD = 64 * 1024;

  /** One request as the server read it. */
  public record Request(String method, String path, Map<String, String> headers) {
    /** Whether the request is a HEAD (its answer has no body). */
    public boolean head() {
      return method.equals("HEAD");
    }
  }

  /** What the server does with one request. */
  @FunctionalInterface
  public interface Fault {
    /**
     * Answers {@code request} (or not) on {@code socket}.
     *
     * @return whether the connection stays open for the next request
     */
    boolean respond(Request request, Socket socket, OutputStream out)
        throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  private FaultyS3Server() throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  /** A server on a free loopback port. */
  public static FaultyS3Server start() throws IOException {
    return new FaultyS3Server();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:PORT}, for a bucket's endpoint (path-style requests). */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** Stores an object: a GET of {@code path} gets it whole with a {@code Content-Length}. */
  public void putObject(String path, byte[] body) {
    objects.put(path, body.clone());
  }

  /** Every request for {@code path} gets {@code fault}, until {@link #clearFault}. */
  public void fault(String path, Fault fault) {
    faults.put(path, fault);
  }

  public void clearFault(String path) {
    faults.remove(path);
  }

  /** Requests received for {@code path}, whatever their answer. */
  public int requests(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Connections still open (closed by neither side yet, as far as this server has seen). */
  public int openConnections() {
    return open.size();
  }

  // ---- faults ----

  /** Resets the connection (RST) without answering. */
  public static Fault reset() {
    return (request, socket, out) -> {
      socket.setSoLinger(true, 0);
      socket.close();
      return false;
    };
  }

  /**
   * Writes {@code bytes} (ISO-8859-1) as the whole answer, then reads the next request, if the peer
   * sends one.
   */
  public static Fault raw(String bytes) {
    return (request, socket, out) -> {
      out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    };
  }

  /** Sends nothing and holds the connection until the peer (or {@link #close()}) closes it. */
  public static Fault stallBeforeHead() {
    return (request, socket, out) -> {
      awaitPeerClose(socket);
      return false;
    };
  }

  /** Sends the head and the first {@code sent} bytes of {@code body}, then holds the connection. */
  public static Fault stallMidBody(byte[] body, int sent) {
    return (request, socket, out) -> {
      writeHead(out, 200, "OK", body.length, "");
      out.write(body, 0, sent);
      out.flush();
      awaitPeerClose(socket);
      return false;
    };
  }

  /** Sends the head and the first {@code sent} bytes of {@code body}, then closes. */
  public static Fault closeMidBody(byte[] body, int sent) {
    return (request, socket, out) -> {
      writeHead(out, 200, "OK", body.length, "");
      out.write(body, 0, sent);
      out.flush();
      socket.close();
      return false;
    };
  }

  /** Sends each interim head (a full {@code 1xx} head, blank line included), then the object. */
  public static Fault interim(byte[] body, String... interimHeads) {
    return (request, socket, out) -> {
      for (String head : interimHeads) {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
      writeHead(out, 200, "OK", body.length, "");
      if (!request.head()) {
        out.write(body);
      }
      out.flush();
      return true;
    };
  }

  /**
   * Declares {@code declared} bytes and sends {@code body}: too few bytes leave the peer waiting,
   * too many leave the extra ones on the keep-alive connection.
   */
  public static Fault contentLength(byte[] body, long declared) {
    return (request, socket, out) -> {
      writeHead(out, 200, "OK", declared, "");
      out.write(body);
      out.flush();
      return true;
    };
  }

  /** A chunked 200 whose body is {@code framing} as written, right or wrong. */
  public static Fault chunked(String framing) {
    return (request, socket, out) -> {
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n"
                  + framing)
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    };
  }

  /** A complete 200 that says {@code Connection: close}, then the server closes. */
  public static Fault connectionClose(byte[] body) {
    return (request, socket, out) -> {
      writeHead(out, 200, "OK", body.length, "Connection: close\r\n");
      if (!request.head()) {
        out.write(body);
      }
      out.flush();
      return false;
    };
  }

  /** A complete keep-alive 200, after which the server closes the idle connection at once. */
  public static Fault closeAfterAnswer(byte[] body) {
    return (request, socket, out) -> {
      writeHead(out, 200, "OK", body.length, "");
      if (!request.head()) {
        out.write(body);
      }
      out.flush();
      return false;
    };
  }

  /** A 200 without {@code Content-Length} or chunking: the body ends when the server closes. */
  public static Fault closeDelimited(byte[] body) {
    return (request, socket, out) -> {
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return false;
    };
  }

  /** The whole object, {@code step} bytes at a time with {@code pause} between them. */
  public static Fault trickle(byte[] body, int step, Duration pause) {
    return (request, socket, out) -> {
      writeHead(out, 200, "OK", body.length, "");
      out.flush();
      for (int at = 0; at < body.length; at += step) {
        Thread.sleep(pause.toMillis());
        out.write(body, at, Math.min(step, body.length - at));
        out.flush();
      }
      return true;
    };
  }

  /** An S3 error answer with an XML body (a 503 {@code SlowDown}, say). */
  public static Fault s3Error(int status, String reason, String code) {
    return (request, socket, out) -> {
      byte[] xml =
          ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                  + code
                  + "</Code><Message>"
                  + reason
                  + "</Message></Error>")
              .getBytes(StandardCharsets.UTF_8);
      writeHead(out, status, reason, xml.length, "");
      if (!request.head()) {
        out.write(xml);
      }
      out.flush();
      return true;
    };
  }

  // ---- the server ----

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        open.add(socket);
        threads.submit(() -> serve(socket));
      } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        Request request = readRequest(in);
        if (request == null) {
          return;
        }
        requests.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
        Fault fault = faults.get(request.path());
        boolean keep =
            fault != null ? fault.respond(request, socket, out) : serveObject(request, out);
        if (!keep || socket.isClosed()) {
          return;
        }
      }
    } catch (IOException e) {
      // The peer went away: nothing to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(socket);
    }
  }

  private boolean serveObject(Request request, OutputStream out)
      throws IOException, InterruptedException {
    byte[] body = objects.get(request.path());
    if (body == null) {
      return s3Error(404, "Not Found", "NoSuchKey").respond(request, null, out);
    }
    writeHead(out, 200, "OK", body.length, "ETag: \"" + Arrays.hashCode(body) + "\"\r\n");
    if (!request.head()) {
      out.write(body);
    }
    out.flush();
    return true;
  }

  private static Request readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD) {
        throw new IOException("request head too long");
      }
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length < 2) {
      throw new IOException("bad request line");
    }
    String target = requestLine[1];
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    Map<String, String> headers = new ConcurrentHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Request(requestLine[0], path, Map.copyOf(headers));
  }

  private static void writeHead(
      OutputStream out, int status, String reason, long length, String extraHeaders)
      throws IOException {
    out.write(
        ("HTTP/1.1 "
                + status
                + " "
                + reason
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + length
                + "\r\n"
                + extraHeaders
                + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Blocks until the peer closes the connection (or {@link #close()} closes it). */
  private static void awaitPeerClose(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] sink = new byte[4096];
    try {
      while (in.read(sink) >= 0) {
        // Whatever the peer sends now is not read as a request: the connection is spent.
      }
    } catch (SocketException closed) {
      // Reset by the peer, or closed by close().
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
