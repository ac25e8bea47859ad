package dev.sentinel;

/**
 * The jar's entry point. It exists apart from {@link SentinelApplication} because loading that
 * class runs the Vert.x launcher's static initialiser, which starts java.util.logging: the
 * logging properties must be set before that, here.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", "dev.sentinel.observability.ShutdownSafeLogManager");
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s [%3$s] %5$s%6$s%n");
    }
    SentinelApplication.run(args);
  }
}
