package dev.sentinel.chaos;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The chaos load's waiting tasks: built-in noop agent tasks that either wait for input or sleep
 * before step {@link #AT_STEP}. Their expected node order is written out here from the noop
 * agent's documented shape (NoopAgent's javadoc), not taken from its code, so a change in how
 * the agent builds its graph shows up as a violation rather than moving the expectation along.
 */
record WaitTaskModel(Kind kind, long sleepMs) {

  enum Kind { INPUT, SLEEP }

  static final String AGENT = "noop";
  static final int STEPS = 3;
  static final int AT_STEP = 2;
  /** Long enough that a worker fault can land mid-step; short enough to finish well within the quiet window. */
  static final long STEP_MS = 150;
  static final String WAIT_NODE = "wait-input";
  static final String SLEEP_NODE = "sleep";

  static WaitTaskModel input() { return new WaitTaskModel(Kind.INPUT, 0); }

  static WaitTaskModel sleep(long ms) { return new WaitTaskModel(Kind.SLEEP, ms); }

  JsonObject taskParams() {
    JsonObject p = new JsonObject().put("steps", STEPS).put("step_ms", STEP_MS);
    return kind == Kind.INPUT ? p.put("wait_input_at_step", AT_STEP) : p.put("sleep_ms_at_step", AT_STEP).put("sleep_ms", sleepMs);
  }

  /** The model of a task from its stored params, or null if it is not one of ours. */
  static WaitTaskModel of(String agentType, JsonObject params) {
    if (!AGENT.equals(agentType)) return null;
    if (params.containsKey("wait_input_at_step")) return input();
    if (params.containsKey("sleep_ms_at_step")) return sleep(params.getLong("sleep_ms"));
    return null;
  }

  /** The node each committed step runs, in order: the wait (or sleep) is a step of its own, before step-AT_STEP. */
  List<String> nodes() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= STEPS; i++) {
      if (i == AT_STEP) out.add(waitNode());
      out.add("step-" + i);
    }
    return out;
  }

  String waitNode() { return kind == Kind.INPUT ? WAIT_NODE : SLEEP_NODE; }

  /** The committed step number of the wait node. */
  static int waitStep() { return AT_STEP; }
}
