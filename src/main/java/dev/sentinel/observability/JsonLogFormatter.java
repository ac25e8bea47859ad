package dev.sentinel.observability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * {@code log.format: json}: one JSON object per line, for log shippers. Every line has
 * {@code time}, {@code level}, {@code logger} and {@code message}; a line about a task adds
 * {@code task_id}, {@code tenant_id}, {@code epoch}, {@code worker_id} and {@code trace_id}
 * (from its {@link TaskFields} parameter); a throwable becomes {@code error} (its stack trace,
 * newlines escaped, so the line stays one line). Jackson writes the text: every message, however
 * odd its characters, comes out as valid JSON.
 */
public final class JsonLogFormatter extends Formatter {

  private static final JsonFactory JSON = new JsonFactory();

  @Override public String format(LogRecord r) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", Instant.ofEpochMilli(r.getMillis()).toString());
      g.writeStringField("level", level(r.getLevel()));
      g.writeStringField("logger", r.getLoggerName());
      g.writeStringField("message", formatMessage(r));
      TaskFields task = taskFields(r);
      if (task != null) {
        g.writeStringField("task_id", task.taskId());
        g.writeStringField("tenant_id", task.tenantId());
        g.writeNumberField("epoch", task.epoch());
        g.writeStringField("worker_id", task.workerId());
        g.writeStringField("trace_id", task.traceId());
      }
      if (r.getThrown() != null) g.writeStringField("error", stackTrace(r.getThrown()));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);   // a StringWriter does not fail
    }
    return out.append(System.lineSeparator()).toString();
  }

  private static TaskFields taskFields(LogRecord r) {
    Object[] params = r.getParameters();
    if (params == null) return null;
    for (Object p : params) if (p instanceof TaskFields t) return t;
    return null;
  }

  /** The names log tools expect, not JUL's (SEVERE, FINE, ...). */
  static String level(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) return "ERROR";
    if (v >= Level.WARNING.intValue()) return "WARN";
    if (v >= Level.CONFIG.intValue()) return "INFO";
    if (v >= Level.FINE.intValue()) return "DEBUG";
    return "TRACE";
  }

  private static String stackTrace(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    return s.toString();
  }
}
