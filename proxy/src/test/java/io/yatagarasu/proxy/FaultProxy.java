package io.yatagarasu.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of a real S3 server that injects faults: it can reset connections before any
 * response byte, stall a response after a number of bytes, or pass everything through. It counts
 * the connections the proxy under test opens, which are its upstream attempts.
 */
final class FaultProxy implements AutoCloseable {
  /** What the next connections get. */
  enum Mode {
    PASS,
    RESET,
    STALL_AFTER_BYTES
  }

  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.PASS);
  private final AtomicInteger resetsLeft = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger connections = new AtomicInteger();
  private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile long stallAfter = 64 * 1024;
  private final java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();

  FaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Everything sent upstream so far, as ISO-8859-1 text. */
  String sent() {
    synchronized (sent) {
      return sent.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** Client connections open now. */
  int openConnections() {
    return open.size();
  }

  void pass() {
    mode.set(Mode.PASS);
  }

  /**
   * Resets the next {@code count} connections once their request arrives, then passes. Open
   * connections (kept alive in the proxy's pool) are reset at once.
   */
  void resetNext(int count) {
    resetsLeft.set(count);
    mode.set(Mode.RESET);
    for (Socket socket : open) {
      try {
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** Resets every connection. */
  void resetAll() {
    resetNext(Integer.MAX_VALUE);
  }

  /** Passes {@code bytes} of each response, then sends nothing more (keeping the socket open). */
  void stallAfter(long bytes) {
    stallAfter = bytes;
    mode.set(Mode.STALL_AFTER_BYTES);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Mode now = mode.get();
        if (now == Mode.RESET && resetsLeft.getAndDecrement() > 0) {
          threads.submit(() -> reset(client));
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        long limit = now == Mode.STALL_AFTER_BYTES ? stallAfter : Long.MAX_VALUE;
        threads.submit(() -> pump(client, upstream, Long.MAX_VALUE, sent));
        threads.submit(() -> pump(upstream, client, limit, null));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void reset(Socket client) {
    try {
      client.getInputStream().read(new byte[4096]);
      client.setSoLinger(true, 0);
      client.close();
    } catch (IOException ignored) {
      // the peer went first
    }
  }

  private void pump(Socket from, Socket to, long limit, java.io.ByteArrayOutputStream record) {
    byte[] buffer = new byte[16 * 1024];
    long sent = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        int allowed = (int) Math.min(n, limit - sent);
        if (record != null) {
          synchronized (record) {
            record.write(buffer, 0, n);
          }
        }
        if (allowed > 0) {
          out.write(buffer, 0, allowed);
          out.flush();
          sent += allowed;
        }
        if (sent >= limit) {
          // Stall: keep both sockets open and silent until the other side gives up.
          while (in.read(buffer) >= 0) {
            // discard
          }
          break;
        }
      }
    } catch (IOException e) {
      // closed
    } finally {
      try {
        from.close();
        to.close();
        open.remove(from);
        open.remove(to);
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
