package dev.sentinel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A task's life as the node that saw each event counts it: submissions and cancels on API nodes,
 * starts, steps, completions and failures on the worker that ran them. Labelled by agent and task
 * type (bounded), never by task.
 */
public final class TaskMetrics {

  /** What a task's run ended with, for {@code sentinel_task_duration_seconds}. */
  public enum Outcome {
    COMPLETED, FAILED, RETRYING, HANDED_BACK, PAUSED, RESCHEDULED, WAITING, DROPPED;

    String label() { return name().toLowerCase(Locale.ROOT); }
  }

  /** What one node execution ended with. */
  public enum NodeOutcome {
    OK, ERROR, TIMEOUT, CANCELLED, DEFERRED, LEASE_LOST;

    String label() { return name().toLowerCase(Locale.ROOT); }
  }

  private record Kind(String agentType, String taskType) {}
  private record Started(String agentType, String taskType, boolean resumed) {}
  private record Ended(String agentType, Outcome outcome) {}
  private record Node(String kind, NodeOutcome outcome) {}

  private final LabelCap taskTypes;
  private final MeterFamily<Kind, Counter> submitted, completed, failed, cancelled;
  private final MeterFamily<Started, Counter> started;
  private final MeterFamily<String, Counter> refused, steps;
  private final MeterFamily<Ended, Timer> duration;
  private final MeterFamily<Node, Timer> nodes;
  private final Timer commit;

  TaskMetrics(MeterRegistry r, LabelCap taskTypes) {
    this.taskTypes = taskTypes;
    submitted = kinds(r, "sentinel.tasks.submitted", "tasks accepted by POST /tasks on this node");
    completed = kinds(r, "sentinel.tasks.completed", "tasks this node's workers completed");
    failed = kinds(r, "sentinel.tasks.failed", "tasks this node's workers failed for good (attempts used up, or retrying cannot help)");
    cancelled = kinds(r, "sentinel.tasks.cancelled", "tasks cancelled by DELETE /tasks/{id} on this node");
    started = new MeterFamily<>(k -> Meters.counter(r, "sentinel.tasks.started",
        "runs this node's workers started: a claim, resumed=true when it continues from a checkpoint",
        "agent_type", k.agentType(), "task_type", k.taskType(), "resumed", String.valueOf(k.resumed())));
    refused = new MeterFamily<>(reason -> Meters.counter(r, "sentinel.submissions.refused",
        "POST /tasks answered 429 on this node, by reason", "reason", reason));
    steps = new MeterFamily<>(agent -> Meters.counter(r, "sentinel.steps.committed",
        "steps this node's workers committed (the checkpoint written)", "agent_type", agent));
    duration = new MeterFamily<>(k -> Meters.timer(r, "sentinel.task.duration",
        "a run on this node, from its claim to how it ended", "agent_type", k.agentType(), "outcome", k.outcome().label()));
    nodes = new MeterFamily<>(k -> Meters.timer(r, "sentinel.node.duration",
        "node executions (each try) and their duration, by node kind and outcome", "kind", k.kind(), "outcome", k.outcome().label()));
    commit = Meters.timer(r, "sentinel.commit", "a step's commit as its run waits for it (group commit included)");
    refused.get("rate_limited");
    refused.get("quota_exceeded");
  }

  private MeterFamily<Kind, Counter> kinds(MeterRegistry r, String name, String help) {
    return new MeterFamily<>(k -> Meters.counter(r, name, help, "agent_type", k.agentType(), "task_type", k.taskType()));
  }

  private Kind kind(String agentType, String taskType) {
    return new Kind(agentType, taskTypes.value(taskType));
  }

  public void submitted(String agentType, String taskType) { submitted.get(kind(agentType, taskType)).increment(); }

  /** @param reason rate_limited or quota_exceeded */
  public void submissionRefused(String reason) { refused.get(reason).increment(); }

  public void cancelled(String agentType, String taskType) { cancelled.get(kind(agentType, taskType)).increment(); }

  public void started(String agentType, String taskType, boolean resumed) {
    started.get(new Started(agentType, taskTypes.value(taskType), resumed)).increment();
  }

  public void stepCommitted(String agentType, long commitNanos) {
    steps.get(agentType).increment();
    commit.record(commitNanos, TimeUnit.NANOSECONDS);
  }

  /** A run ended; completed and failed-for-good also count in their counters. */
  public void runEnded(String agentType, String taskType, Outcome outcome, long runNanos) {
    if (outcome == Outcome.COMPLETED) completed.get(kind(agentType, taskType)).increment();
    if (outcome == Outcome.FAILED) failed.get(kind(agentType, taskType)).increment();
    duration.get(new Ended(agentType, outcome)).record(runNanos, TimeUnit.NANOSECONDS);
  }

  public void nodeRan(String kind, NodeOutcome outcome, long nanos) {
    nodes.get(new Node(kind, outcome)).record(nanos, TimeUnit.NANOSECONDS);
  }
}
