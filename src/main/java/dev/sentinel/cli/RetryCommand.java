package dev.sentinel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code retry ID}: POST /tasks/{id}/retry (a failed or cancelled task runs again from its checkpoint). */
@Command(name = "retry", description = "Run a failed or cancelled task again from its checkpoint.")
final class RetryCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;
  @Parameters(paramLabel = "ID") String id;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    var task = c.tasks().retryTask(id);
    if (root.json()) root.terminal().raw(c.json().writeValueAsString(task));
    else root.terminal().line("task " + id + " " + root.terminal().status(String.valueOf(task.getStatus())));
    return ExitCode.OK;
  }
}
