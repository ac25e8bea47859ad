package dev.sentinel.cli;

import dev.sentinel.client.model.Task;
import dev.sentinel.client.model.TaskSubmission;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code submit}: POST /tasks; with {@code --wait}, a live progress bar until the task ends. */
@Command(name = "submit", description = "Submit a task (POST /tasks); --wait follows it to the end.")
final class SubmitCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;

  @Option(names = "--tenant", required = true, description = "tenant_id") String tenant;
  @Option(names = "--agent", description = "agent_type (default: the server's, prompt-based)") String agent;
  @Option(names = "--type", defaultValue = "cli", description = "task_type, your label (default ${DEFAULT-VALUE})") String type;
  @Option(names = "--param", description = "a task_params entry, key=value (value read as JSON when it is)") List<String> params;
  @Option(names = "--params-file", description = "task_params from a JSON file (--param entries go over it)") Path paramsFile;
  @Option(names = "--priority") Integer priority;
  @Option(names = "--max-attempts") Integer maxAttempts;
  @Option(names = "--cost-limit", description = "USD") BigDecimal costLimit;
  @Option(names = "--idempotency-key") String idempotencyKey;
  @Option(names = "--wait", description = "follow the task with a progress bar until it ends") boolean await;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    TaskSubmission s = new TaskSubmission().tenantId(tenant).taskType(type)
        .taskParams(Params.of(c.json(), paramsFile, params));
    if (agent != null) s.agentType(agent);
    if (priority != null) s.priority(priority);
    if (maxAttempts != null) s.maxAttempts(maxAttempts);
    if (costLimit != null) s.costLimit(costLimit);
    Task task = c.tasks().submitTask(s, idempotencyKey);
    if (!await) {
      if (root.json()) root.terminal().raw(c.json().writeValueAsString(task));
      else root.terminal().line("task " + task.getTaskId() + " " + root.terminal().status(String.valueOf(task.getStatus())));
      return ExitCode.OK;
    }
    if (!root.json()) root.terminal().line("task " + task.getTaskId());
    Task end = new TaskFollower(c, root.terminal(), !root.json()).follow(task);
    return TaskFollower.report(root, c, end);
  }
}
