package io.yatagarasu.demo;

/**
 * The demo's command line: the ports it would like for the data and admin listeners. A busy port
 * falls back to a free one; 0 asks for a free one outright.
 */
record DemoOptions(int port, int adminPort, boolean help) {

  static final int DEFAULT_PORT = 8080;
  static final int DEFAULT_ADMIN_PORT = 9090;

  DemoOptions {
    checkPort("--port", port);
    checkPort("--admin-port", adminPort);
    if (port != 0 && port == adminPort) {
      throw new IllegalArgumentException(
          "--port and --admin-port are both " + port + " (expected: different ports)");
    }
  }

  static DemoOptions parse(String... args) {
    int port = DEFAULT_PORT;
    int adminPort = DEFAULT_ADMIN_PORT;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--port" -> port = portValue(arg, args, ++i);
        case "--admin-port" -> adminPort = portValue(arg, args, ++i);
        case "--help", "-h" -> {
          return new DemoOptions(port, adminPort, true);
        }
        default -> {
          if (arg.startsWith("--port=")) {
            port = parsePort("--port", arg.substring("--port=".length()));
          } else if (arg.startsWith("--admin-port=")) {
            adminPort = parsePort("--admin-port", arg.substring("--admin-port=".length()));
          } else {
            throw new IllegalArgumentException("unknown argument: " + arg);
          }
        }
      }
    }
    return new DemoOptions(port, adminPort, false);
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: ./demo.sh [--port N] [--admin-port N]",
        "  --port N        data listener port (default "
            + DEFAULT_PORT
            + "; a free one if busy, 0 for any)",
        "  --admin-port N  admin listener port (default "
            + DEFAULT_ADMIN_PORT
            + "; a free one if busy, 0 for any)",
        "Starts two local S3 stores (s3proxy) with sample objects and the proxy in front of them,",
        "prints curl commands to try, and runs until Ctrl-C.");
  }

  private static int portValue(String option, String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a port number");
    }
    return parsePort(option, args[index]);
  }

  private static int parsePort(String option, String value) {
    try {
      int port = Integer.parseInt(value);
      checkPort(option, port);
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + ": " + value + " (expected: a port number, 0-65535)");
    }
  }

  private static void checkPort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + ": " + port + " (expected: 0-65535)");
    }
  }
}
