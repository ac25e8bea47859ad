package dev.sentinel.observability;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Log lines about one task, each carrying the task's {@link TaskFields} as its record's
 * parameter: no thread-local context, which on an event loop running many tasks' callbacks
 * would put one task's ids on another's lines. Written to java.util.logging directly (where
 * System.Logger leads anyway) because a System.Logger call takes parameters or a throwable,
 * never both, and an error about a task needs both.
 */
public final class TaskLog {

  private final Logger logger;
  private final TaskFields fields;

  public TaskLog(Logger logger, TaskFields fields) {
    this.logger = logger;
    this.fields = fields;
  }

  public TaskFields fields() { return fields; }

  public void info(String message) { log(Level.INFO, message, null); }

  public void warning(String message) { log(Level.WARNING, message, null); }

  public void error(String message, Throwable thrown) { log(Level.SEVERE, message, thrown); }

  private void log(Level level, String message, Throwable thrown) {
    if (!logger.isLoggable(level)) return;
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger.getName());
    // set, so JUL does not walk the stack to find the caller (it would find this class)
    r.setSourceClassName(logger.getName());
    r.setSourceMethodName(null);
    r.setParameters(new Object[] {fields});
    r.setThrown(thrown);
    logger.log(r);
  }
}
