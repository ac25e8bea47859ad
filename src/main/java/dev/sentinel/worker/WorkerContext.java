package dev.sentinel.worker;

import dev.sentinel.config.SentinelConfig.WorkerSettings;
import dev.sentinel.store.TaskStore;
import io.vertx.core.Vertx;

/** What a {@link TaskRun} needs from the worker that runs it. */
interface WorkerContext {
  Vertx vertx();

  TaskStore store();

  String workerId();

  WorkerSettings settings();

  Backoff backoff();

  /** True once shutdown began: runs hand their task back before starting another node. */
  boolean draining();
}
