package dev.sentinel.worker;

import dev.sentinel.agent.NodeServices;
import dev.sentinel.config.SentinelConfig.WorkerSettings;
import dev.sentinel.metrics.TaskMetrics;
import dev.sentinel.store.CommitBatcher;
import dev.sentinel.store.LeaseProtocol;
import dev.sentinel.tracing.TaskSpans;
import io.vertx.core.Vertx;

/** What a {@link TaskRun} needs from the worker that runs it. */
interface WorkerContext {
  Vertx vertx();

  /** The lease protocol: every write this worker makes about a task. */
  LeaseProtocol leases();

  /** Group commit of this worker's step commits (see CommitBatcher). */
  CommitBatcher commits();

  String workerId();

  WorkerSettings settings();

  Backoff backoff();

  /** Redis-backed services nodes may use (cost ledger, budgets). */
  NodeServices services();

  /** The spans of the tasks this worker runs (no-ops when tracing is off). */
  TaskSpans spans();
  /** Where runs count their starts, steps, node executions and ends. */
  TaskMetrics metrics();

  /** True once shutdown began: runs hand their task back before starting another node. */
  boolean draining();
}
