package dev.sentinel.cli;

import dev.sentinel.client.ApiException;
import dev.sentinel.client.model.Task;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Follows a task to its end through its event stream, redrawing one progress line per event:
 * {@code [######----] 3/5  step-4  12.3s  $0.0012}. The task is read again at each event (the
 * stream says what happened, the task where it stands and what it cost).
 */
final class TaskFollower {

  static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");
  private static final int BAR = 20;

  private final Connection connection;
  private final Terminal terminal;
  private final boolean draw;
  private String drawn = "";

  TaskFollower(Connection connection, Terminal terminal, boolean draw) {
    this.connection = connection;
    this.terminal = terminal;
    this.draw = draw;
  }

  /** Returns the task as it ended. */
  Task follow(Task submitted) throws Exception {
    long started = System.nanoTime();
    Task[] last = {submitted};
    if (draw) redraw(progress(submitted, started));
    String id = submitted.getTaskId();
    TaskEventStream events = new TaskEventStream(connection);
    ApiException[] failed = {null};
    // the stream ends once the task is final; it is read again if it ends sooner (a restart)
    while (!FINAL.contains(String.valueOf(last[0].getStatus()))) {
      int status = events.read(id, null, e -> {
        try {
          last[0] = connection.tasks().getTask(id);
        } catch (ApiException ex) {
          failed[0] = ex;   // rethrown as it is, so the exit code says what it was (unreachable, 404, ...)
          return false;
        }
        if (draw) redraw(progress(last[0], started));
        return !FINAL.contains(String.valueOf(last[0].getStatus()));
      });
      if (failed[0] != null) throw failed[0];
      if (status != 200) throw new IllegalStateException("the task's event stream answered " + status);
      last[0] = connection.tasks().getTask(id);
    }
    if (draw) {
      redraw(progress(last[0], started));
      terminal.endRedraw();
    }
    return last[0];
  }

  /** Draws the line when what it says changed (the elapsed time alone is no news off a terminal). */
  private void redraw(String line) {
    String news = line.replaceAll("  [0-9.]+s  ", "  ");
    if (news.equals(drawn) && !terminal.interactive()) return;
    drawn = news;
    terminal.redraw(line);
  }

  String progress(Task t, long startedNanos) {
    int step = t.getStep() == null ? 0 : t.getStep();
    Integer total = t.getTotalSteps();
    String bar;
    if (total != null && total > 0) {
      int filled = Math.min(BAR, step * BAR / total);
      bar = "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + step + "/" + total;
    } else {
      bar = "step " + step;
    }
    String node = t.getCurrentNode() == null ? "" : "  " + t.getCurrentNode();
    double secs = (System.nanoTime() - startedNanos) / 1e9;
    return bar + "  " + terminal.status(String.valueOf(t.getStatus())) + node
        + String.format("  %.1fs  %s", secs, usd(t.getCostSoFar()));
  }

  static String usd(BigDecimal v) {
    return v == null ? "$0" : "$" + v.stripTrailingZeros().toPlainString();
  }

  /** Prints how a followed task ended; exit 0 when it completed, 1 otherwise. */
  static int report(SentinelCli root, Connection c, Task end) throws Exception {
    boolean completed = "completed".equals(String.valueOf(end.getStatus()));
    if (root.json()) {
      root.terminal().raw(c.json().writeValueAsString(end));
    } else if (completed) {
      root.terminal().line(root.terminal().green("completed") + " in " + end.getStep() + " step(s), cost " + usd(end.getCostSoFar()));
      root.terminal().raw(c.json().writerWithDefaultPrettyPrinter().writeValueAsString(end.getResult()));
    } else {
      root.terminal().line(root.terminal().red(String.valueOf(end.getStatus())) + ": " + end.getError());
    }
    return completed ? ExitCode.OK : ExitCode.TASK_FAILED;
  }
}
