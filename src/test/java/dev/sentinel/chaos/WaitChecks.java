package dev.sentinel.chaos;

import dev.sentinel.chaos.Violation.Invariant;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a durable wait must leave behind, judged from one task's history (Redis clock): the wait
 * is committed once, as its own step; a waiting task got exactly one input, and its result holds
 * exactly the data the load generator delivered; a sleeping task's sleep step, and everything
 * after it, committed no earlier than the deadline its first entry set (a re-run after a fault
 * must not restart or shorten the timer).
 */
final class WaitChecks {

  /**
   * wait.lua computes the deadline from the script's clock, then stamps the `waiting` record a
   * moment later in the same script: the record may read a millisecond or two past the instant
   * the duration was measured from.
   */
  static final long RECORD_SKEW_MS = 5;

  private WaitChecks() {}

  /**
   * Appends the task's violations to {@code out}; returns how late its sleep step committed
   * after the deadline (ms), or empty for an input wait or an unfinished task.
   *
   * @param delivered the data the load generator delivered, or null if it delivered none
   */
  static OptionalLong check(TaskRecord t, WaitTaskModel model, JsonObject delivered, List<Violation> out) {
    String subject = "task " + t.id() + " (" + model.kind().name().toLowerCase() + " wait)";
    List<JsonObject> waitSteps = t.steps().stream().filter(s -> model.waitNode().equals(s.getString("node"))).toList();
    boolean completed = "completed".equals(t.status());
    if (waitSteps.size() > 1 || (completed && waitSteps.size() != 1)) {
      out.add(new Violation(Invariant.EXACTLY_ONCE, subject, "the " + model.waitNode() + " step committed " + waitSteps.size()
          + " times: " + waitSteps));
    }
    for (JsonObject s : waitSteps) {
      if (s.getInteger("step") != WaitTaskModel.waitStep()) {
        out.add(new Violation(Invariant.EXACTLY_ONCE, subject, "the wait committed as step " + s.getInteger("step") + ", expected "
            + WaitTaskModel.waitStep()));
      }
    }
    if (!completed) return OptionalLong.empty();
    return model.kind() == WaitTaskModel.Kind.INPUT ? inputArrived(t, delivered, subject, out) : sleptLongEnough(t, model, subject, out);
  }

  private static OptionalLong inputArrived(TaskRecord t, JsonObject delivered, String subject, List<Violation> out) {
    int inputs = t.eventsOf("input").size();
    if (inputs != 1) out.add(new Violation(Invariant.EXACTLY_ONCE, subject, "took " + inputs + " inputs, expected 1"));
    JsonObject result = new JsonObject(t.meta().getOrDefault("result", "{}"));
    Object got = result.getValue("input");
    if (delivered == null) {
      out.add(new Violation(Invariant.EXACTLY_ONCE, subject, "completed with input " + got + " but the load generator delivered none"));
    } else if (!delivered.equals(got)) {
      out.add(new Violation(Invariant.EXACTLY_ONCE, subject, "result.input is " + got + ", the data delivered was " + delivered.encode()));
    }
    return OptionalLong.empty();
  }

  private static OptionalLong sleptLongEnough(TaskRecord t, WaitTaskModel model, String subject, List<Violation> out) {
    StreamEntry entered = t.eventsOf("waiting").stream().filter(e -> "sleep".equals(e.get("kind"))).findFirst().orElse(null);
    if (entered == null || entered.get("until").isEmpty()) {
      out.add(new Violation(Invariant.WAITS, subject, "completed without a recorded sleep deadline: " + t.events()));
      return OptionalLong.empty();
    }
    long until = Long.parseLong(entered.get("until"));
    if (until + RECORD_SKEW_MS < entered.ms() + model.sleepMs()) {
      out.add(new Violation(Invariant.WAITS, subject, "sleep of " + model.sleepMs() + " ms entered at " + entered.ms()
          + " got the deadline " + until));
    }
    long sleepCommitted = -1;
    for (JsonObject s : t.steps()) {
      boolean afterOrAtSleep = s.getInteger("step") >= WaitTaskModel.waitStep();
      long at = s.getLong("committed_at");
      if (afterOrAtSleep && at < until) {
        out.add(new Violation(Invariant.WAITS, subject, "step " + s.getInteger("step") + " (" + s.getString("node")
            + ") committed at " + at + ", " + (until - at) + " ms before the sleep's deadline " + until));
      }
      if (model.waitNode().equals(s.getString("node"))) sleepCommitted = at;
    }
    for (StreamEntry c : t.eventsOf("completed")) {
      if (c.ms() < until) {
        out.add(new Violation(Invariant.WAITS, subject, "completed at " + c.ms() + ", before the sleep's deadline " + until));
      }
    }
    return sleepCommitted < 0 ? OptionalLong.empty() : OptionalLong.of(sleepCommitted - until);
  }
}
