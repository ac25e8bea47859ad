package dev.sentinel.chaos;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos checker's wait checks on hand-written histories: a sound one passes, and each
 * planted fault (a result whose input was tampered with, a wait committed twice, an input taken
 * twice, a sleep that ended early) is reported. Without these, a checker that never looks at
 * waits would pass every chaos run.
 */
class WaitChecksTest {

  private static final JsonObject DATA = new JsonObject().put("token", "ab12").put("approved", true);
  private static final long T0 = 1_800_000_000_000L;

  @Test void aWaitThatTookTheDeliveredInputOncePasses() {
    assertThat(violations(inputTask(DATA, 1, 1), DATA)).isEmpty();
  }

  @Test void aTamperedInputInTheResultIsCaught() {
    List<Violation> v = violations(inputTask(new JsonObject().put("token", "ab12").put("approved", false), 1, 1), DATA);
    assertThat(v).singleElement().satisfies(x -> {
      assertThat(x.invariant()).isEqualTo(Violation.Invariant.EXACTLY_ONCE);
      assertThat(x.detail()).contains("result.input").contains("ab12");
    });
  }

  @Test void aResultWithInputNobodyDeliveredIsCaught() {
    assertThat(violations(inputTask(DATA, 1, 1), null)).extracting(Violation::detail).anyMatch(d -> d.contains("delivered none"));
  }

  @Test void aWaitCommittedTwiceOrAnInputTakenTwiceIsCaught() {
    assertThat(violations(inputTask(DATA, 2, 1), DATA)).extracting(Violation::detail).anyMatch(d -> d.contains("committed 2 times"));
    assertThat(violations(inputTask(DATA, 1, 2), DATA)).extracting(Violation::detail).anyMatch(d -> d.contains("took 2 inputs"));
  }

  @Test void aSleepThatHeldItsDeadlinePassesAndReportsItsLateness() {
    List<Violation> out = new ArrayList<>();
    OptionalLong late = WaitChecks.check(sleepTask(2000, 2000 + 40, 2000 + 200), WaitTaskModel.sleep(2000), null, out);
    assertThat(out).isEmpty();
    assertThat(late).hasValue(40);
  }

  @Test void aSleepStepOrCompletionBeforeTheDeadlineIsCaught() {
    List<Violation> early = violations(sleepTask(2000, 1500, 2000 + 200), WaitTaskModel.sleep(2000), null);
    assertThat(early).extracting(Violation::invariant).containsOnly(Violation.Invariant.WAITS);
    assertThat(early).extracting(Violation::detail).anyMatch(d -> d.contains("before the sleep's deadline"));
    assertThat(violations(sleepTask(2000, 2010, 1900), WaitTaskModel.sleep(2000), null))
        .extracting(Violation::detail).anyMatch(d -> d.startsWith("completed at"));
  }

  @Test void aDeadlineShorterThanTheSleepIsCaught() {
    // the task recorded a deadline 1 s after its entry though it asked for 2 s (a timer restarted short)
    TaskRecord t = sleepTask(1000, 1100, 1300);
    assertThat(violations(t, WaitTaskModel.sleep(2000), null)).extracting(Violation::detail).anyMatch(d -> d.contains("got the deadline"));
  }

  private static List<Violation> violations(TaskRecord t, JsonObject delivered) {
    return violations(t, WaitTaskModel.input(), delivered);
  }

  private static List<Violation> violations(TaskRecord t, WaitTaskModel m, JsonObject delivered) {
    List<Violation> out = new ArrayList<>();
    WaitChecks.check(t, m, delivered, out);
    return out;
  }

  /** A completed input-wait task: step-1, the wait (committed {@code waitCommits} times), step-2, step-3. */
  private static TaskRecord inputTask(JsonObject resultInput, int waitCommits, int inputs) {
    List<StreamEntry> events = new ArrayList<>();
    List<JsonObject> steps = new ArrayList<>();
    events.add(entry(1, T0, "claimed"));
    step(events, steps, 1, "step-1", T0 + 10);
    events.add(entry(events.size() + 1, T0 + 20, "waiting", "kind", "input", "step", "2", "until", ""));
    for (int i = 0; i < inputs; i++) events.add(entry(events.size() + 1, T0 + 500 + i, "input", "step", "2"));
    for (int i = 0; i < waitCommits; i++) step(events, steps, 2, "wait-input", T0 + 600 + i);
    step(events, steps, 3, "step-2", T0 + 700);
    step(events, steps, 4, "step-3", T0 + 800);
    events.add(entry(events.size() + 1, T0 + 800, "completed"));
    return task(WaitTaskModel.input(), new JsonObject().put("input", resultInput), events, steps);
  }

  /** A completed sleeping task whose sleep began at T0 + 20 with the deadline {@code untilAfter} later. */
  private static TaskRecord sleepTask(long untilAfter, long sleepCommittedAfter, long completedAfter) {
    long began = T0 + 20;
    List<StreamEntry> events = new ArrayList<>();
    List<JsonObject> steps = new ArrayList<>();
    step(events, steps, 1, "step-1", T0 + 10);
    events.add(entry(events.size() + 1, began, "waiting", "kind", "sleep", "step", "2", "until", String.valueOf(began + untilAfter)));
    step(events, steps, 2, "sleep", began + sleepCommittedAfter);
    step(events, steps, 3, "step-2", began + Math.min(completedAfter, sleepCommittedAfter + 50));
    step(events, steps, 4, "step-3", began + completedAfter);
    events.add(entry(events.size() + 1, began + completedAfter, "completed"));
    return task(WaitTaskModel.sleep(2000), new JsonObject(), events, steps);
  }

  private static void step(List<StreamEntry> events, List<JsonObject> steps, int step, String node, long at) {
    events.add(entry(events.size() + 1, at, "step", "step", String.valueOf(step), "node", node));
    steps.add(new JsonObject().put("step", step).put("node", node).put("committed_at", at));
  }

  private static TaskRecord task(WaitTaskModel m, JsonObject result, List<StreamEntry> events, List<JsonObject> steps) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("status", "completed");
    meta.put("agent_type", WaitTaskModel.AGENT);
    meta.put("task_params", m.taskParams().encode());
    meta.put("result", result.encode());
    return new TaskRecord("t1", meta, events, steps, List.of());
  }

  private static StreamEntry entry(long position, long ms, String type, String... kv) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("type", type);
    for (int i = 0; i + 1 < kv.length; i += 2) fields.put(kv[i], kv[i + 1]);
    return new StreamEntry(String.valueOf(position), ms, fields);
  }
}
