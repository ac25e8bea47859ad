package dev.sentinel.cli;

import dev.sentinel.client.model.Task;
import dev.sentinel.client.model.TaskList;
import dev.sentinel.client.model.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;

/** {@code tasks}: GET /tasks as a table; {@code --watch} redraws it in place every few seconds. */
@Command(name = "tasks", description = "List tasks (GET /tasks).")
final class TasksCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;

  @Option(names = "--status") String status;
  @Option(names = "--tenant") String tenant;
  @Option(names = "--agent") String agent;
  @Option(names = "--limit", defaultValue = "20") int limit;
  @Option(names = "--watch", description = "redraw every --interval seconds until interrupted") boolean watch;
  @Option(names = "--interval", defaultValue = "2") int intervalSeconds;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    TaskStatus filter = status == null ? null : TaskStatus.fromValue(status);
    do {
      TaskList page = c.tasks().listTasks(filter, tenant, agent, null, limit, null, null);
      if (root.json()) {
        root.terminal().raw(c.json().writeValueAsString(page));
        return ExitCode.OK;
      }
      if (watch && root.terminal().interactive()) root.terminal().raw("\033[H\033[2J");   // home, clear
      Terminal t = root.terminal();
      // 80 columns hold the id, status, tenant, step and cost; a wider terminal also gets agent and age
      boolean wide = t.width() >= 100;
      t.line(String.format("%-36s %-11s %-10s %7s %8s", "TASK", "STATUS", "TENANT", "STEP", "COST")
          + (wide ? String.format(" %-12s %4s", "AGENT", "AGE") : ""));
      for (Task task : page.getTasks()) {
        String step = task.getStep() + (task.getTotalSteps() == null ? "" : "/" + task.getTotalSteps());
        t.line(String.format("%-36s %s %-10s %7s %8s", task.getTaskId(),
            pad(t.status(String.valueOf(task.getStatus())), String.valueOf(task.getStatus()), 11),
            cut(task.getTenantId(), 10), step, TaskFollower.usd(task.getCostSoFar()))
            + (wide ? String.format(" %-12s %4s", cut(task.getAgentType(), 12), age(task.getCreatedAt())) : ""));
      }
      if (page.getTasks().isEmpty()) t.line(t.dim("(no tasks)"));
      if (watch) Thread.sleep(Duration.ofSeconds(Math.max(1, intervalSeconds)).toMillis());
    } while (watch);
    return ExitCode.OK;
  }

  /** Pads a coloured text by its visible length. */
  static String pad(String painted, String plain, int width) {
    return painted + " ".repeat(Math.max(0, width - plain.length()));
  }

  static String cut(String s, int width) {
    if (s == null) return "";
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }

  static String age(OffsetDateTime at) {
    if (at == null) return "";
    long s = Math.max(0, Duration.between(at, OffsetDateTime.now()).toSeconds());
    if (s < 120) return s + "s";
    if (s < 7200) return s / 60 + "m";
    if (s < 172800) return s / 3600 + "h";
    return s / 86400 + "d";
  }
}
