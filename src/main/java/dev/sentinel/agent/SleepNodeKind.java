package dev.sentinel.agent;

import dev.sentinel.store.LeaseProtocol;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code sleep}: a durable timer. The task waits, holding no worker, for {@code duration_ms}
 * (measured from when the sleep began, however often the node runs meanwhile) or until the ISO
 * time {@code until} (may be a template reading the state, e.g. "{{remind_at}}"), in `delayed`,
 * which the watcher promotes; then its output is {@code {"slept_until": "<ISO time>"}}.
 * Like {@link WaitInputNodeKind}, the first run parks the task and records the deadline in its
 * hash; the run at the same step after the deadline completes the step.
 */
public final class SleepNodeKind implements NodeHandler {

  public static final String KIND = "sleep";

  @Override public String name() { return KIND; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    JsonObject cfg = ctx.node().config();
    return ctx.services().require(LeaseProtocol.class).waitState(ctx.taskId()).compose(w -> {
      boolean entered = w.serves(ctx.node().name(), ctx.step());
      if (entered && w.due()) {
        return Future.succeededFuture(new JsonObject().put("slept_until", Instant.ofEpochMilli(w.until()).toString()));
      }
      // entered before and not due yet: park again, wait.lua keeps the deadline it recorded
      Long until = entered || !cfg.containsKey("until") ? null : untilMs(cfg.getString("until"), ctx.state());
      Long duration = entered || until != null ? null : cfg.getLong("duration_ms", 0L);
      return Future.failedFuture(new StepDeferredException.Waiting("sleep", "sleeping at node " + ctx.node().name(),
          duration, until));
    });
  }

  private static long untilMs(String template, JsonObject state) {
    String text = Template.render(template, state);
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new TaskCannotSucceedException("sleep until '" + text + "' is not an ISO-8601 time such as 2026-01-31T12:00:00Z");
    }
  }

  /** Checks a node's settings at load time: exactly one of duration_ms (>= 0) and until. */
  @Override public void check(JsonObject cfg) {
    boolean hasDuration = cfg.containsKey("duration_ms");
    boolean hasUntil = cfg.containsKey("until");
    if (hasDuration == hasUntil) throw new IllegalArgumentException("a sleep node needs exactly one of duration_ms and until");
    if (hasDuration && !(cfg.getValue("duration_ms") instanceof Number n && n.longValue() >= 0
        && n.doubleValue() == Math.rint(n.doubleValue()))) {
      throw new IllegalArgumentException("duration_ms must be a whole number of milliseconds, at least 0");
    }
    if (hasUntil) {
      if (!(cfg.getValue("until") instanceof String s)) throw new IllegalArgumentException("until must be an ISO-8601 time or a template");
      if (!s.contains("{{")) {
        try {
          Instant.parse(s);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("until '" + s + "' is not an ISO-8601 time such as 2026-01-31T12:00:00Z");
        }
      }
    }
  }
}
