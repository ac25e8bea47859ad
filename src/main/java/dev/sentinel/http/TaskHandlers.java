package dev.sentinel.http;

import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.PinnedGraphs;
import dev.sentinel.auth.Caller;
import dev.sentinel.config.SentinelConfig.LimitDefaults;
import dev.sentinel.config.SentinelConfig.TaskDefaults;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.cost.Usd;
import dev.sentinel.crypto.Sha256;
import dev.sentinel.metrics.TaskMetrics;
import dev.sentinel.signal.Signals;
import dev.sentinel.store.NewTask;
import dev.sentinel.store.Replies.CancelReply;
import dev.sentinel.store.Results;
import dev.sentinel.store.StepRecord;
import dev.sentinel.store.TaskCommands;
import dev.sentinel.store.TaskFilter;
import dev.sentinel.store.TaskQueries;
import dev.sentinel.tracing.TaskSpans;
import dev.sentinel.tracing.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.sentinel.http.Access.caller;
import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.visibleTask;
import static dev.sentinel.http.Access.within;

/**
 * The task endpoints, one small method each. The contract has validated the request's shape
 * before any of them runs; they check access, call the store and render JSON. Failures go to
 * {@link FailureRenderer}.
 */
public final class TaskHandlers {

  /** How many index entries one listing may walk when several filters combine. */
  static final int LIST_SCAN_BUDGET = 20_000;

  private final Vertx vertx;
  private final TaskCommands commands;
  private final TaskQueries queries;
  private final AgentRegistry agents;
  /** Names the request fields POST /tasks ignored (unknown to the API). */
  static final String IGNORED_FIELDS_HEADER = "Sentinel-Ignored-Fields";
  private static final int IGNORED_FIELDS_HEADER_MAX = 1000;

  private final TaskDefaults taskDefaults;
  /**
   * An Idempotency-Key is remembered no longer than finished tasks are kept: a key that outlived
   * its task would answer a replay with a task that no longer exists.
   */
  private final long idempotencyTtlMs;
  private final CostLedger ledger;
  private final LimitDefaults limits;
  private final TaskSpans spans;

  private final TaskMetrics metrics;
  private final PinnedGraphs pinned;

  public TaskHandlers(Vertx vertx, TaskCommands commands, TaskQueries queries, CostLedger ledger,
                      AgentRegistry agents, PinnedGraphs pinned, TaskDefaults taskDefaults, LimitDefaults limits,
                      long retentionMs, TaskSpans spans, TaskMetrics metrics) {
    this.metrics = metrics;
    this.pinned = pinned;
    this.limits = limits;
    this.spans = spans;
    this.vertx = vertx;
    this.commands = commands;
    this.queries = queries;
    this.ledger = ledger;
    this.agents = agents;
    this.taskDefaults = taskDefaults;
    this.idempotencyTtlMs = idempotencyTtlMs(retentionMs);
  }

  static long idempotencyTtlMs(long retentionMs) {
    return Math.max(1, Math.min(TaskCommands.IDEMPOTENCY_TTL_MS, retentionMs));
  }

  /** POST /tasks: 201 with the task; 200 with the earlier task for a repeated Idempotency-Key. */
  public void submit(RoutingContext rc) {
    TaskRequest.Submission submission = TaskRequest.parse(rc.body().buffer(), agents, taskDefaults);
    // the trace starts here (or continues the caller's) and is stored with the task
    Span span = spans.startSubmit(rc.request().getHeader("traceparent"), rc.request().getHeader("tracestate"),
        submission.task().tenantId(), submission.task().agentType());
    NewTask unpinned = submission.task().withTrace(TraceParent.of(span));
    // the seed ignored unknown fields; we do too, and say which, so a typo does not go unseen
    if (!submission.ignoredFields().isEmpty()) {
      rc.response().putHeader(IGNORED_FIELDS_HEADER, ignoredFieldsHeader(submission.ignoredFields()));
    }
    Caller who = caller(rc);
    if (!who.mayAccess(unpinned.tenantId())) {
      TaskSpans.endSubmit(span, 403, null);
      throw Problem.forbidden("this API key belongs to tenant " + who.tenantId() + "; tenant_id must match").asException();
    }
    String idempotencyKey = rc.request().getHeader("Idempotency-Key");
    String fingerprint = idempotencyKey == null ? null : Sha256.hex(rc.body().buffer().getBytes());
    // pinned to the graph it is submitted with: the version is kept in Redis before the task exists
    within(pinned.pin(unpinned.agentType(), submission.graph())).map(unpinned::withAgentVersion)
        .compose(task -> within(commands.submit(task, idempotencyKey, fingerprint, idempotencyTtlMs, limits))
        .compose(s -> switch (s.reply()) {
          case OK -> {
            metrics.submitted(task.agentType(), task.taskType());
            vertx.eventBus().publish(Signals.TASK_READY, task.tenantId());
            rateHeaders(rc, s.rate());
            // the hash as the script wrote it: no second round trip to read it back
            yield Future.succeededFuture(new Rendered(201, TaskJson.from(s.task())));
          }
          case RATE_LIMITED -> {
            metrics.submissionRefused("rate_limited");
            rateHeaders(rc, s.rate());
            rc.response().putHeader("Retry-After", String.valueOf(Math.max(1, (s.rate().retryAfterMs() + 999) / 1000)));
            yield Future.failedFuture(Problem.of(429, "Too many requests", "tenant " + task.tenantId()
                + " is over its submission rate; retry in " + s.rate().retryAfterMs() + " ms").asException());
          }
          case QUOTA_EXCEEDED -> {
            metrics.submissionRefused("quota_exceeded");
            yield Future.failedFuture(Problem.of(429, "Quota exceeded", "tenant " + task.tenantId()
              + " has " + s.waiting() + " tasks waiting; its max_queued is " + s.maxWaiting()).asException());
          }
          case DUPLICATE -> within(queries.get(s.taskId())).map(m -> new Rendered(200, TaskJson.from(m.orElseThrow(
              () -> Problem.of(409, "Conflict", "the task this Idempotency-Key created is gone").asException()))));
          case CONFLICT -> Future.failedFuture(Problem.of(409, "Conflict", "Idempotency-Key " + idempotencyKey
              + " was used for a different request (task " + s.taskId() + ")").asException());
          case EXISTS -> Future.failedFuture(new IllegalStateException("submit answered EXISTS for a fresh task id"));
        }))
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
   * The ignored field names as a header value: a name can hold any character (a newline would
   * break the response), so each is URL-encoded; the list is cut at about 1,000 characters.
   */
  static String ignoredFieldsHeader(List<String> names) {
    StringBuilder v = new StringBuilder();
    for (String name : names) {
      String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
      if (v.length() + encoded.length() > IGNORED_FIELDS_HEADER_MAX) return v.append(v.length() == 0 ? "..." : ", ...").toString();
      v.append(v.length() == 0 ? "" : ", ").append(encoded);
    }
    return v.toString();
  }

  /** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), when a limit applied. */
  static void rateHeaders(RoutingContext rc, Results.RateInfo r) {
    if (r.limit() <= 0) return;
    rc.response().putHeader("RateLimit-Limit", String.valueOf(r.limit()))
        .putHeader("RateLimit-Remaining", String.valueOf(Math.max(0, r.remaining())))
        .putHeader("RateLimit-Reset", String.valueOf(Math.max(0, (r.resetMs() + 999) / 1000)));
  }

  /** GET /tasks: newest first; offset or cursor paging; a tenant key sees its own tenant only. */
  public void list(RoutingContext rc) {
    Caller who = caller(rc);
    String tenant = rc.request().getParam("tenant_id");
    if (who.kind() == Caller.Kind.TENANT) {
      if (tenant != null && !tenant.equals(who.tenantId())) {
        throw Problem.forbidden("this API key belongs to tenant " + who.tenantId()).asException();
      }
      tenant = who.tenantId();
    }
    TaskFilter filter = new TaskFilter(rc.request().getParam("status_filter"), tenant,
        rc.request().getParam("agent_type"), rc.request().getParam("task_type"));
    int limit = intParam(rc, "limit", 100);
    int offset = intParam(rc, "offset", 0);
    String cursor = rc.request().getParam("cursor", "");
    within(queries.listTaskIds(filter, cursor, offset, limit, LIST_SCAN_BUDGET))
        .compose(page -> within(queries.tasks(page.taskIds())).map(tasks -> new JsonObject()
            .put("tasks", new JsonArray(tasks.stream().map(TaskJson::from).toList()))
            .put("total", page.total())
            .put("next_cursor", page.nextCursor())))
        .onSuccess(body -> json(rc, 200, body))
        .onFailure(rc::fail);
  }

  /** GET /tasks/{task_id} */
  public void get(RoutingContext rc) {
    visibleTask(rc, queries, rc.pathParam("task_id"))
        .onSuccess(m -> json(rc, 200, TaskJson.from(m)))
        .onFailure(rc::fail);
  }

  /** DELETE /tasks/{task_id}: 204 cancelled, 404 unknown, 400 already finished. */
  public void cancel(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    visibleTask(rc, queries, id)
        .compose(m -> within(commands.cancel(id, "cancelled by request")).map(c -> {
          if (c.reply() == CancelReply.OK) metrics.cancelled(m.agentType(), m.taskType());
          return c;
        }))
        .onSuccess(c -> {
          switch (c.reply()) {
            // a body, as the seed answered: its clients read JSON from every answer
            case OK -> json(rc, 200, new JsonObject().put("task_id", id).put("status", "cancelled")
                .put("message", "Task cancelled"));
            case NOT_FOUND -> Problem.notFound("Task " + id).send(rc);
            case FINISHED -> Problem.of(400, "Task already finished",
                "task " + id + " is already " + c.status() + " and cannot be cancelled").send(rc);
          }
        })
        .onFailure(rc::fail);
  }

  /** GET /tasks/{task_id}/steps: the committed steps, oldest first. */
  public void steps(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    visibleTask(rc, queries, id)
        .compose(m -> within(queries.steps(id)))
        .onSuccess(steps -> json(rc, 200, new JsonObject().put("task_id", id)
            .put("steps", new JsonArray(steps.stream().map(TaskHandlers::stepView).toList()))))
        .onFailure(rc::fail);
  }

  /** GET /tasks/{task_id}/calls: the task's LLM calls with what each cost. */
  public void calls(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    visibleTask(rc, queries, id)
        .compose(m -> within(ledger.calls(id)).map(calls -> new JsonObject().put("task_id", id)
            .put("cost_so_far", Usd.ofNanos(m.costNanos()))
            .put("calls", new JsonArray(calls.stream().map(TaskHandlers::callView).toList()))))
        .onSuccess(body -> json(rc, 200, body))
        .onFailure(rc::fail);
  }

  static JsonObject callView(JsonObject c) {
    JsonObject v = c.copy();
    long nanos = v.getLong("nano_usd", 0L);
    v.remove("nano_usd");
    v.put("cost_usd", Usd.ofNanos(nanos));
    Long at = v.getLong("recorded_at");
    if (at != null) v.put("recorded_at", Instant.ofEpochMilli(at).toString());
    return v;
  }

  /** POST /tasks/{task_id}/retry: a failed or cancelled task runs again from its last checkpoint. */
  public void retry(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    visibleTask(rc, queries, id)
        .compose(m -> within(commands.retry(id)))
        .compose(r -> switch (r.reply()) {
          case OK -> {
            vertx.eventBus().publish(Signals.TASK_READY, "*");
            yield Future.succeededFuture(Optional.of(r.task()));
          }
          case NOT_FOUND -> Future.failedFuture(Problem.notFound("Task " + id).asException());
          case WRONG_STATUS -> Future.failedFuture(Problem.of(409, "Conflict", "task " + id + " is " + r.status()
              + "; only failed or cancelled tasks can be retried").asException());
        })
        .onSuccess(m -> json(rc, 200, TaskJson.from(m.orElseThrow())))
        .onFailure(rc::fail);
  }

  static JsonObject stepView(StepRecord s) {
    return new JsonObject()
        .put("step", s.step())
        .put("node", s.node())
        .put("epoch", s.epoch())
        .put("claim", s.claim())
        .put("worker_id", s.workerId())
        .put("committed_at", Instant.ofEpochMilli(s.committedAt()).toString())
        .put("duration_ms", s.runMs());
  }

  /** The contract has checked the value is an integer, which includes forms like 1.0 and 1e2. */
  static int intParam(RoutingContext rc, String name, int dflt) {
    String v = rc.request().getParam(name);
    if (v == null || v.isEmpty()) return dflt;
    try {
      return new BigDecimal(v.trim()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw Problem.invalid(422, List.of(new Problem.FieldError(name, "the query parameter " + name
          + " must be a whole number"))).asException();
    }
  }

}
