package dev.sentinel.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * {@code noop}: waits {@code duration_ms} on a timer (never blocking), then writes
 * {@code {"step": n}} into the state. With {@code fail: true} it fails instead, for failure tests.
 */
public final class NoopNodeKind implements NodeHandler {

  @Override public String name() { return "noop"; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    JsonObject cfg = ctx.node().config();
    if (cfg.getBoolean("fail", false)) {
      return Future.failedFuture(new IllegalStateException("noop step " + ctx.step() + " failed on purpose (fail_at_step)"));
    }
    JsonObject output = new JsonObject().put("step", ctx.step());
    long duration = cfg.getLong("duration_ms", 0L);
    if (duration <= 0) return Future.succeededFuture(output);
    Promise<JsonObject> done = Promise.promise();
    long timer = ctx.vertx().setTimer(duration, id -> done.tryComplete(output));
    ctx.cancellation().onCancel(() -> {
      ctx.vertx().cancelTimer(timer);
      done.tryFail(new NodeCancelledException(ctx.cancellation().reason()));
    });
    return done.future();
  }
}
