package dev.sentinel.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogFormatterTest {

  final ObjectMapper json = new ObjectMapper();

  private static LogRecord record(Level level, String message, Object param, Throwable thrown) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName("dev.sentinel.worker.TaskRun");
    if (param != null) r.setParameters(new Object[] {param});
    r.setThrown(thrown);
    return r;
  }

  @Test void aLineAboutATaskCarriesItsIdsAsFields() throws Exception {
    TaskFields fields = new TaskFields("t-1", "acme", 3, "node-w1", "4bf92f3577b34da6a3ce929d0e0e4736");
    String line = new JsonLogFormatter().format(record(Level.WARNING, "task t-1: node a failed", fields, null));

    assertThat(line).endsWith(System.lineSeparator()).hasLineCount(1);
    JsonNode n = json.readTree(line);
    assertThat(n.get("level").asText()).isEqualTo("WARN");
    assertThat(n.get("logger").asText()).isEqualTo("dev.sentinel.worker.TaskRun");
    assertThat(n.get("message").asText()).isEqualTo("task t-1: node a failed");
    assertThat(n.get("task_id").asText()).isEqualTo("t-1");
    assertThat(n.get("tenant_id").asText()).isEqualTo("acme");
    assertThat(n.get("epoch").asLong()).isEqualTo(3);
    assertThat(n.get("worker_id").asText()).isEqualTo("node-w1");
    assertThat(n.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(n.has("time")).isTrue();
  }

  @Test void oddCharactersAndAStackTraceStayOneValidLine() throws Exception {
    String message = "quote \" backslash \\ newline \n tab \t control \u0001 brace {0} emoji \uD83D\uDE00";
    String line = new JsonLogFormatter().format(record(Level.SEVERE, message,
        new TaskFields("t-2", "acme", 1, "w", null), new IllegalStateException("boom\nsecond line")));

    assertThat(line).hasLineCount(1);
    JsonNode n = json.readTree(line);
    assertThat(n.get("level").asText()).isEqualTo("ERROR");
    assertThat(n.get("error").asText()).contains("IllegalStateException: boom\nsecond line").contains("at ");
    assertThat(n.get("trace_id").isNull()).as("a task without a trace says so").isTrue();
  }

  @Test void aLineAboutNoTaskHasNoTaskFields() throws Exception {
    JsonNode n = json.readTree(new JsonLogFormatter().format(record(Level.INFO, "up", null, null)));
    assertThat(n.has("task_id")).isFalse();
    assertThat(n.get("level").asText()).isEqualTo("INFO");
  }

  @Test void theHumanFormatKeepsTodaysTextWithTheFieldsLeftOut() {
    String line = new SimpleFormatter().format(record(Level.INFO, "task t-1 dropped by w: STALE",
        new TaskFields("t-1", "acme", 3, "w", null), null));
    assertThat(line).contains("task t-1 dropped by w: STALE").doesNotContain("TaskFields").doesNotContain("acme");
  }

  @Test void unknownFormatsAreRefusedByName() {
    assertThat(LogFormat.parse(null)).isEqualTo(LogFormat.HUMAN);
    assertThat(LogFormat.parse(" JSON ")).isEqualTo(LogFormat.JSON);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessageContaining("human or json");
  }
}
