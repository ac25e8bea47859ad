package dev.sentinel;

import dev.sentinel.observability.LogFormat;
import dev.sentinel.observability.LogSetup;

/**
 * The jar's entry point. It exists apart from {@link SentinelApplication} because loading that
 * class runs the Vert.x launcher's static initialiser, which starts java.util.logging: the
 * logging properties must be set before that, here.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // the command line talks to a running node over HTTP: no Vert.x, no logging set-up
    if (args.length > 0 && args[0].equals("cli")) {
      System.exit(dev.sentinel.cli.SentinelCli.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", "dev.sentinel.observability.ShutdownSafeLogManager");
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s [%3$s] %5$s%6$s%n");
    }
    useLogFormatFromEnvironment();
    SentinelApplication.run(args);
  }

  /**
   * SENTINEL_LOG_FORMAT=json takes effect before the first line (the launcher's own included);
   * {@code log.format} from a YAML file only once the configuration is read. A bad value is left
   * to the configuration check, which stops the node and names it.
   */
  private static void useLogFormatFromEnvironment() {
    try {
      LogSetup.use(LogFormat.parse(System.getenv("SENTINEL_LOG_FORMAT")));
    } catch (IllegalArgumentException e) {
      // reported by the configuration check
    }
  }
}
