package io.yatagarasu.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP relay between the proxy and a real S3 server that keeps a copy of every byte the proxy
 * sends, so a test can check what reached S3 (and what did not).
 */
final class RecordingRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  RecordingRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Everything the proxy sent upstream so far, as ISO-8859-1 text. */
  String sent() {
    synchronized (sent) {
      return sent.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        threads.submit(() -> pump(client, upstream, true));
        threads.submit(() -> pump(upstream, client, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean record) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (record) {
          synchronized (sent) {
            sent.write(buffer, 0, n);
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close the other
    } finally {
      try {
        from.close();
        to.close();
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
