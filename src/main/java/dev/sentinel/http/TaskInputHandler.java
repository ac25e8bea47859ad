package dev.sentinel.http;

import dev.sentinel.agent.GraphNode;
import dev.sentinel.agent.PinnedGraphs;
import dev.sentinel.agent.WaitInputNodeKind;
import dev.sentinel.http.Problem.FieldError;
import dev.sentinel.signal.Signals;
import dev.sentinel.store.TaskCommands;
import dev.sentinel.store.TaskQueries;
import dev.sentinel.store.TaskView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.visibleTask;
import static dev.sentinel.http.Access.within;

/**
 * {@code POST /tasks/{task_id}/input}: gives a task waiting at a wait_input node its input. The
 * data is checked against the node's JSON schema (when it has one) before anything is written;
 * provide_input.lua then queues the task only if it still waits at the step the data was checked
 * for, so an input is taken at most once per wait and a task that moved on (timed out, cancelled)
 * answers 409 with nothing written.
 */
final class TaskInputHandler {

  private static final String WAITING = "waiting";
  private static final JsonSchemaOptions SCHEMA_OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://sentinel.invalid/wait-input").setOutputFormat(OutputFormat.Basic);

  private final Vertx vertx;
  private final TaskCommands commands;
  private final TaskQueries queries;
  private final PinnedGraphs graphs;

  TaskInputHandler(Vertx vertx, TaskCommands commands, TaskQueries queries, PinnedGraphs graphs) {
    this.vertx = vertx;
    this.commands = commands;
    this.queries = queries;
    this.graphs = graphs;
  }

  void provide(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    JsonObject data = rc.body().asJsonObject().getJsonObject("data");   // the contract requires an object
    visibleTask(rc, queries, id)
        .compose(t -> {
          TaskView.Wait wait = t.parkedAt();
          if (!WAITING.equals(t.status()) || wait == null) return Future.failedFuture(notWaiting(id, t.status()));
          return waitNode(t, wait).compose(node -> {
            List<FieldError> errors = check(node, data);
            if (!errors.isEmpty()) return Future.failedFuture(Problem.invalid(422, errors).asException());
            return within(commands.provideInput(id, wait.step(), data)).compose(r -> switch (r.reply()) {
              case OK -> {
                vertx.eventBus().publish(Signals.TASK_READY, t.tenantId());
                yield within(queries.get(id));
              }
              case NOT_WAITING -> Future.failedFuture(notWaiting(id, r.status()));
              case NOT_FOUND -> Future.failedFuture(Problem.notFound("Task " + id).asException());
            });
          });
        })
        .onSuccess(t -> json(rc, 200, TaskJson.from(t.orElseThrow(() -> Problem.notFound("Task " + id).asException()))))
        .onFailure(rc::fail);
  }

  private static ProblemException notWaiting(String id, String status) {
    return Problem.of(409, "Conflict", "task " + id + " is " + status + ", not waiting for input").asException();
  }

  /**
   * The wait node the task is parked at, in the graph version the task is pinned to; empty when
   * that version cannot be rebuilt here (then no schema applies: the worker fails the task anyway).
   */
  private Future<Optional<GraphNode>> waitNode(TaskView t, TaskView.Wait wait) {
    JsonObject params = t.paramsJson() == null ? new JsonObject() : new JsonObject(t.paramsJson());
    return within(graphs.graphFor(t.agentType(), params, t.agentVersion()))
        .map(g -> Optional.ofNullable(g.nodes().get(wait.node())))
        .recover(e -> e instanceof PinnedGraphs.VersionUnavailableException
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
  }

  /**
   * The input's problems: {@code timed_out} is the output of a wait that timed out, so an input
   * may not carry it (the timeout edge would be taken); then the node's schema. A validator is
   * built per input: inputs come at a person's pace, not a benchmark's.
   */
  static List<FieldError> check(Optional<GraphNode> node, JsonObject data) {
    List<FieldError> errors = new ArrayList<>();
    if (data.containsKey(WaitInputNodeKind.TIMED_OUT)) {
      errors.add(new FieldError("data." + WaitInputNodeKind.TIMED_OUT,
          "data." + WaitInputNodeKind.TIMED_OUT + " is reserved: it marks a wait that timed out"));
    }
    JsonObject schema = node.map(WaitInputNodeKind::schema).orElse(null);
    if (schema != null) {
      OutputUnit result = Validator.create(JsonSchema.of(schema), SCHEMA_OPTIONS).validate(data);
      if (!Boolean.TRUE.equals(result.getValid())) errors.addAll(ValidationProblems.fieldErrors(result, "data."));
    }
    return errors;
  }
}
