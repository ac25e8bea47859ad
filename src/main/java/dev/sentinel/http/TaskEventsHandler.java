package dev.sentinel.http;

import dev.sentinel.signal.Signals;
import dev.sentinel.store.TaskQueries;
import dev.sentinel.store.TaskQueries.TaskEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * GET /tasks/{task_id}/events as server-sent events: the task's past events, then live ones,
 * read from the task's own audit list (written by the scripts). An event's id is its position
 * since the task began; {@code Last-Event-ID} resumes after that event (the contract admits
 * digits only). Live events are picked up by polling from the last id sent, so a client costs
 * one small read per poll and no dedicated Redis connection. The stream ends once the task is
 * final and its last event was sent.
 *
 * <p>Between them come the ephemeral {@code token} events of streamed llm nodes, pushed as they
 * arrive from the workers (Redis pub/sub, through this node's signal bridge onto the event bus).
 * They carry no {@code id}: they are not part of the task's history, a resumed stream does not
 * replay them, and per the SSE rules they leave the client's Last-Event-ID unchanged.
 */
public final class TaskEventsHandler {

  static final long POLL_MS = 250;
  static final long KEEPALIVE_MS = 15_000;
  private static final int BATCH = 200;
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");

  private final Vertx vertx;
  private final TaskQueries queries;

  public TaskEventsHandler(Vertx vertx, TaskQueries queries) {
    this.vertx = vertx;
    this.queries = queries;
  }

  public void stream(RoutingContext rc) {
    String id = rc.pathParam("task_id");
    String lastEventId = rc.request().getHeader("Last-Event-ID");
    Access.visibleTask(rc, queries, id).onSuccess(m -> {
      HttpServerResponse resp = rc.response()
          .setChunked(true)
          .putHeader("content-type", "text/event-stream; charset=utf-8")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
      resp.write(": task " + id + "\n\n");
      new Follower(id, resp, lastEventId == null ? 0 : Long.parseLong(lastEventId)).start();
    }).onFailure(rc::fail);
  }

  /** Follows one task's stream for one client. */
  private final class Follower {
    private final String taskId;
    private final HttpServerResponse resp;
    private long lastId;
    private boolean closed;
    private long keepalive;
    private MessageConsumer<String> tokens;

    Follower(String taskId, HttpServerResponse resp, long lastId) {
      this.taskId = taskId;
      this.resp = resp;
      this.lastId = lastId;
    }

    void start() {
      resp.closeHandler(v -> stop());
      tokens = vertx.eventBus().<String>localConsumer(Signals.tokensOf(taskId), m -> {
        if (!closed) resp.write("event: token\ndata: " + m.body() + "\n\n");
      });
      keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> {
        if (!closed) resp.write(": keepalive\n\n");
      });
      poll(false);
    }

    /** @param finalSeen the task was final at the previous look: drain what is left, then end */
    private void poll(boolean finalSeen) {
      if (closed) return;
      Access.within(queries.events(taskId, lastId, BATCH)).onComplete(ar -> {
        if (closed) return;
        if (ar.failed()) {   // Redis away: end; the client reconnects with Last-Event-ID
          end();
          return;
        }
        List<TaskEvent> events = ar.result();
        for (TaskEvent e : events) {
          resp.write("id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + e.fields().encode() + "\n\n");
          lastId = e.id();
        }
        if (events.size() == BATCH) {
          poll(finalSeen);
        } else if (finalSeen) {
          end();
        } else if (events.isEmpty()) {
          Access.within(queries.get(taskId)).onComplete(s -> {
            if (s.failed() || s.result().isEmpty()) end();
            else if (FINAL.contains(s.result().get().status())) poll(true);
            else vertx.setTimer(POLL_MS, t -> poll(false));
          });
        } else {
          vertx.setTimer(POLL_MS, t -> poll(false));
        }
      });
    }

    private void end() {
      if (closed) return;
      stop();
      resp.end();
    }

    private void stop() {
      closed = true;
      vertx.cancelTimer(keepalive);
      if (tokens != null) tokens.unregister();
    }
  }
}
