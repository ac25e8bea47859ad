package dev.sentinel.cli;

import dev.sentinel.client.model.TaskInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code input ID --data JSON}: POST /tasks/{id}/input to a task waiting for it. */
@Command(name = "input", description = "Give a waiting task its input (POST /tasks/{id}/input).")
final class InputCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;
  @Parameters(paramLabel = "ID") String id;
  @Option(names = "--data", required = true, description = "a JSON object") String data;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    Object parsed = Params.value(c.json(), data);
    if (!(parsed instanceof Map<?, ?>)) throw new IllegalArgumentException("--data must be a JSON object, such as {\"approved\": true}");
    var task = c.tasks().provideTaskInput(id, new TaskInput().data(parsed));
    if (root.json()) root.terminal().raw(c.json().writeValueAsString(task));
    else root.terminal().line("task " + id + " " + root.terminal().status(String.valueOf(task.getStatus())));
    return ExitCode.OK;
  }
}
