package dev.sentinel.cli;

import dev.sentinel.client.model.ReplayRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code replay ID --from-step K [--param k=v]}: a new task from the state after step K. */
@Command(name = "replay", description = "Start a new task from the state after a step of this one.")
final class ReplayCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;
  @Parameters(paramLabel = "ID") String id;
  @Option(names = "--from-step", required = true) int fromStep;
  @Option(names = "--param", description = "task_params laid over the old ones, key=value") List<String> params;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    ReplayRequest req = new ReplayRequest().fromStep(fromStep);
    Map<String, Object> overlay = Params.of(c.json(), null, params);
    if (!overlay.isEmpty()) req.taskParams(overlay);
    var task = c.tasks().replayTask(id, req, null);
    if (root.json()) root.terminal().raw(c.json().writeValueAsString(task));
    else root.terminal().line("task " + task.getTaskId() + " replays " + id + " from step " + fromStep);
    return ExitCode.OK;
  }
}
