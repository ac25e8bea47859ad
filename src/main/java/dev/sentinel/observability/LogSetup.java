package dev.sentinel.observability;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.SimpleFormatter;

/**
 * Puts the chosen {@link LogFormat} on the root logger's handlers (the console handler JUL
 * starts with). Called twice: by the launcher from SENTINEL_LOG_FORMAT before the first line
 * (so with the variable set, every line is JSON), and once the configuration is read (so
 * {@code log.format} in a YAML file works too, from that point on).
 */
public final class LogSetup {

  private LogSetup() {}

  public static void use(LogFormat format) {
    for (Handler h : LogManager.getLogManager().getLogger("").getHandlers()) {
      boolean json = h.getFormatter() instanceof JsonLogFormatter;
      if (format == LogFormat.JSON && !json) h.setFormatter(new JsonLogFormatter());
      if (format == LogFormat.HUMAN && json) h.setFormatter(new SimpleFormatter());
    }
  }
}
