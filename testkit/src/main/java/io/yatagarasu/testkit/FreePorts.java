package io.yatagarasu.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** Finds TCP ports on the loopback interface that are free at the time of asking. */
public final class FreePorts {

  // The kernel may hand the same ephemeral port to two callers that each bind and close before
  // either uses it; remembering recent answers keeps two servers started by one JVM apart.
  private static final int REMEMBERED = 1024;
  private static final int ATTEMPTS = 100;
  private static final Deque<Integer> recent = new ArrayDeque<>();
  private static final Set<Integer> recentSet = new HashSet<>();

  private FreePorts() {}

  /**
   * A port of 127.0.0.1 that nothing listens on right now and that this JVM has not been given
   * recently. Another process may still take it before the caller binds it, so callers that can
   * retry on a bind failure should.
   */
  public static synchronized int find() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = bindEphemeral();
      if (recentSet.add(port)) {
        recent.addLast(port);
        if (recent.size() > REMEMBERED) {
          recentSet.remove(recent.removeFirst());
        }
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port on 127.0.0.1 after " + ATTEMPTS + " attempts (expected: a fresh one)");
  }

  private static int bindEphemeral() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /** Whether {@code port} of 127.0.0.1 can be bound right now. */
  public static boolean isFree(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
