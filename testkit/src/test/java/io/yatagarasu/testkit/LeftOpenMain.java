package io.yatagarasu.testkit;

import java.nio.file.Path;

/** Starts an s3proxy, prints where it is, and exits without closing it. */
public final class LeftOpenMain {

  private LeftOpenMain() {}

  public static void main(String[] args) {
    S3ProxyServer server =
        S3ProxyServer.start("left-open-key", "left-open-secret", Path.of(args[0]));
    System.out.println("port=" + server.port());
    System.out.println("dir=" + server.logFile().getParent());
  }
}
