package io.yatagarasu.demo;

import io.yatagarasu.config.ConfigException;
import io.yatagarasu.testkit.S3ProxyServer;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.concurrent.CountDownLatch;

/**
 * The README's first command ({@code ./demo.sh}): two local S3 stores with sample objects, the
 * proxy in front of them, and curl commands to try. Runs until Ctrl-C, which stops everything.
 */
public final class DemoMain {

  private static final int EXIT_USAGE = 64;
  private static final int EXIT_CONFIG = 2;
  private static final int EXIT_START = 1;

  private DemoMain() {}

  public static void main(String[] args) throws InterruptedException {
    PrintStream out = System.out;
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(DemoOptions.usage());
      System.exit(EXIT_USAGE);
      return;
    }
    if (options.help()) {
      out.println(DemoOptions.usage());
      return;
    }

    Demo demo = new Demo(out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  demo.close();
                  out.println("Demo stopped: the proxy and both stores are gone.");
                  stopped.countDown();
                },
                "yatagarasu-demo-shutdown"));
    try {
      demo.start(options, s3proxyJar());
    } catch (ConfigException e) {
      System.err.println(demo.configFile() + ": rejected by the config module");
      e.errors().forEach(line -> System.err.println("  " + line));
      System.exit(EXIT_CONFIG);
    } catch (Exception e) {
      System.err.println("The demo could not start: " + e.getMessage());
      System.exit(EXIT_START);
    }

    out.println();
    out.println("Yatagarasu is serving on http://127.0.0.1:" + demo.dataAddress().getPort());
    out.println("  /public  -> bucket " + SampleData.PUBLIC_BUCKET + " on store 1");
    out.println("  /reports -> bucket " + SampleData.REPORTS_BUCKET + " on store 2");
    out.println("  admin    -> http://127.0.0.1:" + demo.adminAddress().getPort());
    out.println();
    out.println("Try:");
    for (CurlExample example : demo.examples()) {
      out.println("  # " + example.description());
      out.println("  " + example.command(demo.dataAddress(), demo.adminAddress()));
    }
    out.println();
    out.println("Press Ctrl-C to stop the proxy and both stores.");
    stopped.await();
  }

  /**
   * The s3proxy jar: the {@value S3ProxyServer#JAR_PROPERTY} property, else {@code s3proxy/} beside
   * this jar (where the demo build puts it), else the testkit default.
   */
  static Path s3proxyJar() {
    String configured = System.getProperty(S3ProxyServer.JAR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    CodeSource source = DemoMain.class.getProtectionDomain().getCodeSource();
    if (source != null && source.getLocation() != null) {
      try {
        // demo/target/yatagarasu-demo.jar, or demo/target/classes when run from an IDE.
        Path parent = Path.of(source.getLocation().toURI()).getParent();
        Path beside = parent == null ? null : parent.resolve("s3proxy").resolve("s3proxy.jar");
        if (beside != null && Files.isRegularFile(beside)) {
          return beside;
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        // Not a file location (a custom class loader): use the default below.
      }
    }
    return S3ProxyServer.defaultJar();
  }
}
