package dev.sentinel.http;

import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.http.Problem.FieldError;
import dev.sentinel.signal.Signals;
import dev.sentinel.store.NewTask;
import dev.sentinel.store.Reply;
import dev.sentinel.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The task endpoints, one small method each. They take validated values, call the store and
 * render JSON; every failure goes to the router's failure handler, which renders problem+json.
 */
public final class TaskHandlers {

  /** A Redis call that takes longer than this answers 503 rather than hanging the client. */
  static final long REDIS_TIMEOUT_MS = 1000;

  private final Vertx vertx;
  private final TaskStore store;
  private final AgentRegistry agents;
  private final int defaultMaxAttempts;

  public TaskHandlers(Vertx vertx, TaskStore store, AgentRegistry agents, int defaultMaxAttempts) {
    this.vertx = vertx;
    this.store = store;
    this.agents = agents;
    this.defaultMaxAttempts = defaultMaxAttempts;
  }

  /** POST /tasks -> 201 with the task. */
  public void submit(RoutingContext rc) {
    NewTask task = TaskRequest.parse(rc.body().buffer(), agents, defaultMaxAttempts);
    within(store.submit(task))
        .compose(s -> {
          if (s.reply() != Reply.OK) return Future.failedFuture(new IllegalStateException("task id collision: " + task.id()));
          vertx.eventBus().publish(Signals.TASK_READY, task.tenantId());
          return within(store.get(task.id()));
        })
        .onSuccess(m -> rc.response().setStatusCode(201)
            .putHeader("location", "/tasks/" + task.id())
            .putHeader("content-type", "application/json")
            .end(TaskJson.from(m.orElseThrow()).encode()))
        .onFailure(rc::fail);
  }

  /** GET /tasks/{id} */
  public void get(RoutingContext rc) {
    String id = taskId(rc);
    within(store.get(id))
        .onSuccess(m -> {
          if (m.isEmpty()) notFound(id).send(rc);
          else json(rc, 200, TaskJson.from(m.get()));
        })
        .onFailure(rc::fail);
  }

  /** GET /tasks/{id}/steps: the committed steps, oldest first. */
  public void steps(RoutingContext rc) {
    String id = taskId(rc);
    within(store.get(id))
        .compose(m -> m.isEmpty() ? Future.succeededFuture((JsonArray) null)
            : within(store.steps(id)).map(steps -> new JsonArray(steps.stream().map(TaskHandlers::stepView).toList())))
        .onSuccess(steps -> {
          if (steps == null) notFound(id).send(rc);
          else json(rc, 200, new JsonObject().put("task_id", id).put("steps", steps));
        })
        .onFailure(rc::fail);
  }

  /** DELETE /tasks/{id}: 204 cancelled, 404 unknown, 400 already finished. */
  public void cancel(RoutingContext rc) {
    String id = taskId(rc);
    within(store.cancel(id, "cancelled by request"))
        .onSuccess(c -> {
          switch (c.reply()) {
            case OK -> rc.response().setStatusCode(204).end();
            case NOT_FOUND -> notFound(id).send(rc);
            case FINISHED -> Problem.of(400, "Task already finished",
                "task " + id + " is already " + c.status() + " and cannot be cancelled").send(rc);
            default -> rc.fail(new IllegalStateException("unexpected cancel reply " + c.reply()));
          }
        })
        .onFailure(rc::fail);
  }

  /** GET /health: 200 when Redis answers within a second, else 503. */
  public void health(RoutingContext rc) {
    within(store.ping()).otherwise(false).onSuccess(ok -> json(rc, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "healthy" : "unhealthy")
        .put("redis_connected", ok)
        .put("timestamp", Instant.now().toString())));
  }

  private static JsonObject stepView(JsonObject s) {
    Long at = s.getLong("committed_at");
    return new JsonObject()
        .put("step", s.getInteger("step"))
        .put("node", s.getString("node"))
        .put("epoch", s.getLong("epoch"))
        .put("claim", s.getString("claim"))
        .put("worker_id", s.getString("worker_id"))
        .put("committed_at", at == null ? null : Instant.ofEpochMilli(at).toString());
  }

  private static String taskId(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (id == null || !TaskRequest.IDENTIFIER.matcher(id).matches()) {
      throw new ProblemException(Problem.invalid(400, List.of(new FieldError("task_id",
          "task_id must be 1-128 characters of letters, digits, '_', '.' and '-'"))));
    }
    return id;
  }

  private static Problem notFound(String id) {
    return Problem.of(404, "Not found", "Task " + id + " not found");
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private <T> Future<T> within(Future<T> f) {
    return f.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
