package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * The wait a task's hash describes (written by wait.lua, the input by provide_input.lua), read by
 * a wait node when it runs, together with Redis's clock. {@code step} is the step the wait node
 * runs as; a record of another node or step is a stale one an earlier wait left ({@link #serves}).
 * {@code until} is the deadline (Redis ms) or null; {@code input} the input received, or null.
 */
public record WaitState(String node, int step, String kind, long began, Long until, JsonObject input, long now) {

  /** No wait recorded. */
  public static WaitState none(long now) {
    return new WaitState(null, 0, null, 0, null, null, now);
  }

  /** True when this record is the wait of {@code node} running as step {@code step}: the wait entered before. */
  public boolean serves(String node, int step) {
    return node.equals(this.node) && step == this.step;
  }

  /** True when the wait has a deadline and it has come. */
  public boolean due() {
    return until != null && until <= now;
  }
}
