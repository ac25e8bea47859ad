package dev.sentinel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sentinel.client.model.Call;
import dev.sentinel.client.model.CallList;
import dev.sentinel.client.model.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code task ID}: the task, its timeline from its events (claims with epoch and worker, each
 * step, lease expiries and takeovers, refused stale writes, retries, waits, the end) and its LLM
 * calls with their cost.
 */
@Command(name = "task", description = "Show a task: its timeline and its LLM calls.")
final class TaskCommand implements Callable<Integer> {

  /** Past events arrive at once; a running task's stream is left after this long without one. */
  private static final Duration PAST_EVENTS = Duration.ofMillis(700);

  @ParentCommand SentinelCli root;

  @Parameters(paramLabel = "ID") String id;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    Task task = c.tasks().getTask(id);
    List<TaskEventStream.Event> events = new ArrayList<>();
    new TaskEventStream(c).read(id, PAST_EVENTS, e -> events.add(e));
    CallList calls = c.tasks().getTaskCalls(id);
    if (root.json()) {
      ArrayNode timeline = c.json().createArrayNode();
      for (TaskEventStream.Event e : events) timeline.add(c.json().createObjectNode().put("type", e.type()).set("data", e.data()));
      root.terminal().raw(c.json().writeValueAsString(c.json().createObjectNode()
          .<com.fasterxml.jackson.databind.node.ObjectNode>set("task", c.json().valueToTree(task))
          .<com.fasterxml.jackson.databind.node.ObjectNode>set("timeline", timeline)
          .set("calls", c.json().valueToTree(calls.getCalls()))));
      return ExitCode.OK;
    }
    Terminal t = root.terminal();
    t.line("task " + task.getTaskId() + "  " + t.status(String.valueOf(task.getStatus())) + "  tenant " + task.getTenantId()
        + "  agent " + task.getAgentType() + (task.getAgentVersion() == null ? "" : "@" + task.getAgentVersion()));
    t.line("step " + task.getStep() + (task.getTotalSteps() == null ? "" : "/" + task.getTotalSteps())
        + (task.getCurrentNode() == null ? "" : ", next " + task.getCurrentNode()) + "  attempts " + task.getAttempts()
        + "/" + task.getMaxAttempts() + "  epoch " + task.getEpoch() + "  cost " + TaskFollower.usd(task.getCostSoFar()));
    if (task.getError() != null) t.line(t.red("error: " + task.getError()));
    t.line("");
    t.line("timeline");
    for (TaskEventStream.Event e : events) t.line("  " + describe(t, e));
    if (events.isEmpty()) t.line(t.dim("  (no events yet: queued tasks have none until their first claim)"));
    if (calls.getCalls() != null && !calls.getCalls().isEmpty()) {
      t.line("");
      t.line("LLM calls");
      for (Call call : calls.getCalls()) {
        t.line(String.format("  step %-3s %-22s %6d in %6d out  %6d ms  %s", call.getStep(), call.getModel(),
            nz(call.getInputTokens()), nz(call.getOutputTokens()), nz(call.getLatencyMs()), TaskFollower.usd(call.getCostUsd())));
      }
    }
    return ExitCode.OK;
  }

  /** One line per event, in the words an operator uses. */
  static String describe(Terminal t, TaskEventStream.Event e) {
    JsonNode d = e.data();
    String at = d.has("at") ? Instant.ofEpochMilli(d.path("at").asLong()).toString() : "";
    String epoch = d.has("epoch") ? " epoch " + d.path("epoch").asText() : "";
    String worker = worker(d);
    String what = switch (e.type()) {
      case "claimed" -> "claimed" + epoch + (worker.isEmpty() ? "" : " by " + worker);
      case "step" -> "step " + d.path("step").asText() + " " + d.path("node").asText() + " committed" + epoch;
      case "expired" -> t.yellow("lease expired" + epoch + (worker.isEmpty() ? "" : " (" + worker + " went silent)")
          + ": taken back");
      case "released" -> "handed back" + epoch + (worker.isEmpty() ? "" : " by " + worker);
      case "retrying" -> t.yellow("retry " + d.path("attempts").asText() + ": " + d.path("error").asText());
      case "waiting" -> t.yellow("waiting (" + d.path("kind").asText() + ") at " + d.path("node").asText());
      case "input" -> "input given";
      case "refused" -> t.red("refused " + d.path("op").asText() + epoch + (worker.isEmpty() ? "" : " from " + worker)
          + " (" + d.path("reply").asText() + "; the task is at epoch " + d.path("current_epoch").asText() + "): fenced out");
      case "completed" -> t.green("completed");
      case "failed" -> t.red("failed: " + d.path("error").asText());
      case "cancelled" -> t.red("cancelled" + (d.has("reason") ? ": " + d.path("reason").asText() : ""));
      default -> e.type() + " " + d;
    };
    return t.dim(at) + "  " + what;
  }

  private static String worker(JsonNode d) {
    if (d.hasNonNull("worker_id")) return d.path("worker_id").asText();
    String claim = d.path("claim").asText("");
    int last = claim.lastIndexOf(':');
    int hex = last > 0 ? claim.lastIndexOf(':', last - 1) : -1;
    return hex > 0 ? claim.substring(0, hex) : "";
  }

  private static int nz(Integer v) { return v == null ? 0 : v; }
}
