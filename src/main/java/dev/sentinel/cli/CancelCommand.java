package dev.sentinel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code cancel ID}: DELETE /tasks/{id}. */
@Command(name = "cancel", description = "Cancel a task (DELETE /tasks/{id}).")
final class CancelCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;
  @Parameters(paramLabel = "ID") String id;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    var answer = c.tasks().cancelTask(id);
    if (root.json()) root.terminal().raw(c.json().writeValueAsString(answer));
    else root.terminal().line("task " + id + " " + root.terminal().status("cancelled"));
    return ExitCode.OK;
  }
}
