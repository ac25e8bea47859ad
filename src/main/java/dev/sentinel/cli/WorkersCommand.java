package dev.sentinel.cli;

import dev.sentinel.client.model.Worker;
import dev.sentinel.client.model.WorkerList;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code workers}: live workers, what each holds and when it was last heard from (admin). */
@Command(name = "workers", description = "Live workers (GET /workers, admin).")
final class WorkersCommand implements Callable<Integer> {

  @ParentCommand SentinelCli root;

  @Override public Integer call() throws Exception {
    Connection c = root.connection();
    WorkerList list = c.operations().listWorkers();
    if (root.json()) {
      root.terminal().raw(c.json().writeValueAsString(list));
      return ExitCode.OK;
    }
    Terminal t = root.terminal();
    t.line(String.format("%-32s  %5s  %-9s  %s", "WORKER", "TASKS", "STATE", "LAST HEARD"));
    for (Worker w : list.getWorkers()) {
      String state = Boolean.TRUE.equals(w.getDraining()) ? "draining" : "running";
      t.line(String.format("%-32s  %5s  %-9s  %s ago", TasksCommand.cut(w.getWorkerId(), 32),
          w.getTasks().size() + (w.getConcurrency() == null ? "" : "/" + w.getConcurrency()), state,
          TasksCommand.age(w.getLastHeartbeat())));
    }
    if (list.getWorkers().isEmpty()) t.line(t.dim("(no live workers)"));
    return ExitCode.OK;
  }
}
