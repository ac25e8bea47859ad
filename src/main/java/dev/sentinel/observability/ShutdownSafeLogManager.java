package dev.sentinel.observability;

import java.util.logging.LogManager;

/**
 * JUL's own shutdown hook resets every handler, so what Sentinel logs while it shuts down
 * (hand-backs, "embedded Redis stopped") would be lost. Installed by the launcher before the
 * first log line; the JVM is ending anyway, so skipping the reset loses nothing.
 */
public final class ShutdownSafeLogManager extends LogManager {
  @Override public void reset() {
    // intentionally empty: see class comment
  }
}
