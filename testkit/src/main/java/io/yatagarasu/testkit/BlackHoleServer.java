package io.yatagarasu.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers: an upstream that hangs, for
 * timeout tests. Accepted connections stay open until {@link #close()}.
 */
public final class BlackHoleServer implements AutoCloseable {

  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final List<Socket> accepted = new ArrayList<>();
  private final AtomicInteger acceptedCount = new AtomicInteger();

  private BlackHoleServer(ServerSocket serverSocket) {
    this.serverSocket = serverSocket;
    this.acceptor = new Thread(this::acceptLoop, "black-hole-" + serverSocket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Starts a black hole on a free port of 127.0.0.1. */
  public static BlackHoleServer start() {
    try {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      return new BlackHoleServer(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a black hole on 127.0.0.1", e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** {@code http://127.0.0.1:port}, for use as an upstream endpoint. */
  public String httpEndpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** How many connections it has accepted so far. */
  public int acceptedConnections() {
    return acceptedCount.get();
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        synchronized (accepted) {
          if (serverSocket.isClosed()) {
            closeQuietly(socket);
            return;
          }
          accepted.add(socket);
        }
        acceptedCount.incrementAndGet();
      } catch (SocketException e) {
        // The server socket was closed by close().
        return;
      } catch (IOException e) {
        if (serverSocket.isClosed()) {
          return;
        }
      }
    }
  }

  /** Stops accepting and closes every accepted connection. */
  @Override
  public void close() {
    synchronized (accepted) {
      closeQuietly(serverSocket);
      accepted.forEach(BlackHoleServer::closeQuietly);
      accepted.clear();
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing a socket that is already broken has nothing useful to report.
    }
  }
}
