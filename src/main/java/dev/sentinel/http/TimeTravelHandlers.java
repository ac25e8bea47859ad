package dev.sentinel.http;

import dev.sentinel.agent.Agent;
import dev.sentinel.agent.AgentGraph;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.InvalidTaskParamsException;
import dev.sentinel.agent.PinnedGraphs;
import dev.sentinel.config.SentinelConfig.LimitDefaults;
import dev.sentinel.crypto.Sha256;
import dev.sentinel.http.Problem.FieldError;
import dev.sentinel.metrics.TaskMetrics;
import dev.sentinel.signal.Signals;
import dev.sentinel.store.History;
import dev.sentinel.store.NewReplay;
import dev.sentinel.store.TaskCommands;
import dev.sentinel.store.TaskQueries;
import dev.sentinel.store.TaskView;
import dev.sentinel.tracing.TaskSpans;
import dev.sentinel.tracing.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.visibleTask;
import static dev.sentinel.http.Access.within;

/**
 * Time travel: a task's state after any committed step, rebuilt from its history, and a new task
 * forked from one of them (POST /tasks/{id}/replay, replay.lua). The old task is only read.
 */
public final class TimeTravelHandlers {

  /** Checkpoints per page: each carries the whole state, which an LLM task grows step by step. */
  static final int CHECKPOINTS_DEFAULT_LIMIT = 20;

  private final Vertx vertx;
  private final TaskCommands commands;
  private final TaskQueries queries;
  private final AgentRegistry agents;
  private final PinnedGraphs pinned;
  private final LimitDefaults limits;
  private final long idempotencyTtlMs;
  private final TaskMetrics metrics;
  private final TaskSpans spans;

  public TimeTravelHandlers(Vertx vertx, TaskCommands commands, TaskQueries queries, AgentRegistry agents,
                            PinnedGraphs pinned, LimitDefaults limits, long idempotencyTtlMs, TaskMetrics metrics,
                            TaskSpans spans) {
    this.pinned = pinned;
    this.vertx = vertx;
    this.commands = commands;
    this.queries = queries;
    this.agents = agents;
    this.limits = limits;
    this.idempotencyTtlMs = idempotencyTtlMs;
    this.metrics = metrics;
    this.spans = spans;
  }

  /** GET /tasks/{task_id}/checkpoint[?step=k]: the latest checkpoint, or the one after step k (0: the initial state). */
  public void checkpoint(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    String step = rc.request().getParam("step");
    if (step == null || step.isEmpty()) {
      visibleTask(rc, queries, id)
          .compose(m -> within(queries.checkpoint(id)))
          .onSuccess(cp -> json(rc, 200, new JsonObject().put("task_id", id).put("checkpoint", cp.orElse(null))))
          .onFailure(rc::fail);
      return;
    }
    int k = TaskHandlers.intParam(rc, "step", 0);
    visibleTask(rc, queries, id)
        .compose(m -> within(queries.checkpointAt(id, k)).compose(cp -> cp.isPresent()
            ? Future.succeededFuture(cp.get())
            : Future.failedFuture(stepOutOfRange("step", id, k, m.step()))))
        .onSuccess(cp -> json(rc, 200, new JsonObject().put("task_id", id).put("checkpoint", cp)))
        .onFailure(rc::fail);
  }

  /** GET /tasks/{task_id}/checkpoints?after_step=&limit=: the state after each committed step, oldest first. */
  public void checkpoints(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    int after = TaskHandlers.intParam(rc, "after_step", 0);
    int limit = TaskHandlers.intParam(rc, "limit", CHECKPOINTS_DEFAULT_LIMIT);
    visibleTask(rc, queries, id)
        .compose(m -> within(queries.checkpoints(id, after, limit)))
        .onSuccess(cps -> json(rc, 200, new JsonObject().put("task_id", id)
            .put("checkpoints", new JsonArray(cps.stream().map(TimeTravelHandlers::checkpointView).toList()))
            // a full page may have more after it; the next page may then be empty
            .put("next_after_step", cps.size() == limit ? cps.get(cps.size() - 1).step() : null)))
        .onFailure(rc::fail);
  }

  static JsonObject checkpointView(History.Checkpoint c) {
    return new JsonObject().put("step", c.step()).put("node", c.node()).put("next_node", c.nextNode())
        .put("committed_at", Instant.ofEpochMilli(c.committedAt()).toString()).put("state", c.state());
  }

  /**
   * POST /tasks/{task_id}/replay {"from_step": k, "task_params": {...}?}: 201 with a new task that
   * resumes after step k of this one. Its task_params are this task's with the given ones laid
   * over them key by key (top level), so each replayed checkpoint is rebuilt by the one rule every
   * task's is: params, then the step outputs in order.
   */
  public void replay(RoutingContext rc) {
    String parentId = rc.pathParam("task_id");
    JsonObject body = rc.body().asJsonObject();
    int fromStep = body.getInteger("from_step");
    JsonObject overlay = body.getJsonObject("task_params");
    String idempotencyKey = rc.request().getHeader("Idempotency-Key");
    // the parent is part of the request: the same key and body against another task is a conflict
    String fingerprint = idempotencyKey == null ? null
        : Sha256.hex((parentId + "\n" + rc.body().asString()).getBytes(StandardCharsets.UTF_8));
    // the new task's trace starts here (or continues the caller's), as a submission's does
    Span span = spans.startReplay(rc.request().getHeader("traceparent"), rc.request().getHeader("tracestate"), parentId);
    visibleTask(rc, queries, parentId)
        .compose(parent -> {
          TaskSpans.replayOf(span, parent.tenantId(), parent.agentType());
          return newReplay(parent, fromStep, overlay, TraceParent.of(span)).compose(replay ->
              within(commands.replay(replay, idempotencyKey, fingerprint, idempotencyTtlMs, limits)))
              .compose(r -> switch (r.reply()) {
                case OK -> {
                  metrics.submitted(parent.agentType(), parent.taskType());
                  vertx.eventBus().publish(Signals.TASK_READY, parent.tenantId());
                  TaskHandlers.rateHeaders(rc, r.rate());
                  yield Future.succeededFuture(new Rendered(201, TaskJson.from(r.task())));
                }
                case DUPLICATE -> within(queries.get(r.taskId())).map(m -> new Rendered(200, TaskJson.from(m.orElseThrow(
                    () -> Problem.of(409, "Conflict", "the task this Idempotency-Key created is gone").asException()))));
                case CONFLICT -> Future.failedFuture(Problem.of(409, "Conflict", "Idempotency-Key " + idempotencyKey
                    + " was used for a different request (task " + r.taskId() + ")").asException());
                case NOT_FOUND -> Future.failedFuture(Problem.notFound("Task " + parentId).asException());
                case NO_STEP -> Future.failedFuture(stepOutOfRange("from_step", parentId, fromStep, r.lastStep()));
                case ENDED -> Future.failedFuture(Problem.invalid(422, List.of(new FieldError("from_step", "step "
                    + fromStep + " of task " + parentId + " ended its run: nothing after it to replay"))).asException());
                case RATE_LIMITED -> {
                  TaskHandlers.rateHeaders(rc, r.rate());
                  rc.response().putHeader("Retry-After", String.valueOf(Math.max(1, (r.rate().retryAfterMs() + 999) / 1000)));
                  yield Future.failedFuture(Problem.of(429, "Too many requests", "tenant " + parent.tenantId()
                      + " is over its submission rate; retry in " + r.rate().retryAfterMs() + " ms").asException());
                }
                case QUOTA_EXCEEDED -> Future.failedFuture(Problem.of(429, "Quota exceeded", "tenant "
                    + parent.tenantId() + " has " + r.waiting() + " tasks waiting; its max_queued is " + r.maxWaiting())
                    .asException());
                case EXISTS -> Future.failedFuture(new IllegalStateException("replay answered EXISTS for a fresh task id"));
              });
        })
        .onSuccess(r -> {
          TaskSpans.endSubmit(span, r.status(), r.body().getString("task_id"));
          rc.response().putHeader("location", "/tasks/" + r.body().getString("task_id"));
          json(rc, r.status(), r.body());
        })
        .onFailure(e -> {
          TaskSpans.endSubmit(span, e instanceof ProblemException p ? p.problem().status() : 500, null);
          rc.fail(e);
        });
  }

  private record Rendered(int status, JsonObject body) {}

  /**
   * The new task's params (the parent's with the overlay on top), checked by the agent as a
   * submission's are, and the graph version it is pinned to: the parent's, so a replay runs what
   * the parent ran, unless the new params give this node's agent another graph than the parent's
   * params do (an agent that builds its graph from them, such as noop's steps): then the graph
   * of the new params, as a submission of them would get.
   */
  private Future<NewReplay> newReplay(TaskView parent, int fromStep, JsonObject overlay, String trace) {
    Agent agent = agents.find(parent.agentType()).orElseThrow(() -> Problem.of(409, "Conflict", "task "
        + parent.taskId() + " ran agent '" + parent.agentType() + "', which this node no longer has").asException());
    JsonObject params = parent.paramsJson() == null ? new JsonObject() : new JsonObject(parent.paramsJson());
    if (overlay != null) params.mergeIn(overlay);
    try {
      agent.validate(params);
    } catch (InvalidTaskParamsException e) {
      throw Problem.invalid(422, List.of(new FieldError(e.field(), e.getMessage()))).asException();
    }
    String id = UUID.randomUUID().toString();
    AgentGraph graph = agent.graph(params);
    boolean sameGraph = overlay == null || overlay.isEmpty()
        || agent.graph(parent.paramsJson() == null ? new JsonObject() : new JsonObject(parent.paramsJson())).version()
            .equals(graph.version());
    if (sameGraph && parent.agentVersion() != null) {
      return Future.succeededFuture(new NewReplay(parent.taskId(), id, fromStep, params, parent.totalSteps(), trace,
          parent.agentVersion()));
    }
    OptionalInt steps = graph.linearLength();
    return within(pinned.pin(parent.agentType(), graph)).map(version -> new NewReplay(parent.taskId(), id, fromStep, params,
        steps.isPresent() ? steps.getAsInt() : null, trace, version));
  }

  private static Exception stepOutOfRange(String field, String taskId, int asked, int committed) {
    return Problem.invalid(422, List.of(new FieldError(field, "task " + taskId + " has committed " + committed
        + " step(s); " + field + " must be between 0 and " + committed + " (asked " + asked + ")"))).asException();
  }
}
