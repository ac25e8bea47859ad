package dev.sentinel.worker;

import dev.sentinel.agent.Agent;
import dev.sentinel.agent.AgentGraph;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.cost.BudgetGuard;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.config.SentinelConfig.WorkerSettings;
import dev.sentinel.signal.Signals;
import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.CommitBatcher;
import dev.sentinel.store.Keys;
import dev.sentinel.store.Reply;
import dev.sentinel.store.Scripts;
import dev.sentinel.store.TaskStore;
import dev.sentinel.store.TaskStore.Held;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Claims tasks and runs up to {@code worker.concurrency} of them at once. It wakes on a local
 * signal (a submit in this JVM), on a Redis signal relayed by the bridge (a submit anywhere),
 * when one of its runs ends, and on a slow poll; it never busy-polls. Every {@code lease/3} it
 * renews all its leases in one call, which also writes its heartbeat.
 */
public final class WorkerVerticle extends VerticleBase implements WorkerContext {

  private static final System.Logger LOG = System.getLogger(WorkerVerticle.class.getName());

  private final SentinelConfig config;
  private final WorkerSettings settings;
  private final AgentRegistry agents;
  private final String workerId;
  private final Backoff backoff;
  private final Map<String, TaskRun> running = new LinkedHashMap<>();

  private Redis redis;
  private TaskStore store;
  private CommitBatcher commits;
  private NodeContext.Services services;
  private boolean claiming;
  private boolean wakeAgain;
  private boolean draining;
  private long pollTimer = -1;
  private long renewTimer = -1;
  private final long startedAt = System.currentTimeMillis();

  public WorkerVerticle(SentinelConfig config, AgentRegistry agents, String workerId) {
    this.config = config;
    this.settings = config.worker();
    this.agents = agents;
    this.workerId = workerId;
    this.backoff = new Backoff(settings.backoffBaseMs(), settings.backoffMaxMs(), new SplittableRandom());
  }

  @Override public Future<?> start() {
    redis = dev.sentinel.store.RedisClients.create(vertx, config.redis(), "sentinel-worker");
    Keys keys = new Keys(config.keyPrefix());
    store = new TaskStore(redis, keys, Scripts.load());
    commits = new CommitBatcher(store, context, workerId, settings.leaseMs(), settings.maxStepRecords());
    services = new NodeContext.Services(new CostLedger(redis, keys, store),
        new BudgetGuard(store, config.agents().tenantDailyBudgetMicros()),
        new dev.sentinel.llm.ModelRateLimiter(store, config.llm(), config.limits()));
    vertx.eventBus().<String>localConsumer(Signals.TASK_READY, m -> wake());
    vertx.eventBus().<String>localConsumer(Signals.TASK_CANCEL, m -> {
      TaskRun run = running.get(m.body());
      if (run != null) run.abort("cancelled");
    });
    pollTimer = vertx.setPeriodic(settings.pollMs(), t -> wake());
    renewTimer = vertx.setPeriodic(settings.renewMs(), t -> renew());
    renew();
    wake();
    return Future.succeededFuture();
  }

  /**
   * Shutdown: stop claiming, let running steps finish for up to drain_ms (each run hands its
   * task back before its next node), then interrupt what is left and hand it back too. Hand-backs
   * count no attempt. Leases keep being renewed while this happens.
   */
  @Override public Future<?> stop() {
    draining = true;
    if (!running.isEmpty()) LOG.log(System.Logger.Level.INFO, workerId + " stopping: " + running.size()
        + " running task(s) finish their step, then are handed back");
    vertx.cancelTimer(pollTimer);
    List<Future<Void>> runs = running.values().stream().map(TaskRun::done).toList();
    Promise<Void> drained = Promise.promise();
    Future.join(runs).onComplete(ar -> drained.tryComplete());
    long drainTimer = vertx.setTimer(Math.max(1, settings.drainMs()), t -> {
      List<TaskRun> left = new ArrayList<>(running.values());
      if (!left.isEmpty()) LOG.log(System.Logger.Level.INFO, workerId + ": drain time over, handing back " + left.size() + " task(s)");
      left.forEach(TaskRun::handBackNow);
    });
    return drained.future()
        .onComplete(ar -> {
          vertx.cancelTimer(drainTimer);
          vertx.cancelTimer(renewTimer);
        })
        .eventually(() -> redis.close());
  }

  private void wake() {
    if (draining) return;
    if (claiming) {
      wakeAgain = true;
      return;
    }
    int free = settings.concurrency() - running.size();
    if (free <= 0) return;
    claiming = true;
    wakeAgain = false;
    long sent = System.nanoTime();
    String claimBase = workerId + ":" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    store.claim(workerId, settings.leaseMs(), claimBase, free, config.limits().maxRunning()).onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, workerId + ": claim failed: " + ar.cause().getMessage());
        return;   // the next poll or signal tries again
      }
      for (ClaimedTask task : ar.result()) startRun(task, sent);
      if (ar.result().size() == free || wakeAgain) wake();
    });
  }

  private void startRun(ClaimedTask task, long claimSentNanos) {
    Optional<Agent> agent = agents.find(task.agentType());
    AgentGraph graph;
    try {
      graph = agent.orElseThrow(() -> new IllegalStateException(
          "agent_type '" + task.agentType() + "' is not known to worker " + workerId)).graph(task.params());
    } catch (RuntimeException e) {
      store.fail(task.id(), task.lease(), e.getMessage(), backoff.delayMs(task.attempts() + 1), workerId);
      return;
    }
    if (draining) {   // claimed just as shutdown began
      store.release(task.id(), task.lease(), workerId);
      return;
    }
    TaskRun run = new TaskRun(task, graph, agents.kinds(), this, claimSentNanos);
    running.put(task.id(), run);
    run.done().onComplete(ar -> {
      running.remove(task.id());
      wake();
    });
    run.start();
  }

  private void renew() {
    List<TaskRun> runs = new ArrayList<>(running.values());
    List<Held> held = runs.stream().map(r -> new Held(r.taskId(), r.lease())).toList();
    JsonObject heartbeat = new JsonObject()
        .put("worker_id", workerId)
        .put("tasks", new io.vertx.core.json.JsonArray(held.stream().map(Held::taskId).toList()))
        .put("concurrency", settings.concurrency())
        .put("started_at", Instant.ofEpochMilli(startedAt).toString())
        .put("draining", draining);
    long sent = System.nanoTime();
    store.renew(workerId, settings.leaseMs(), settings.leaseMs(), heartbeat, held)
        .onSuccess(r -> {
          for (int i = 0; i < runs.size(); i++) {
            Reply reply = r.replies().get(i);
            TaskRun run = runs.get(i);
            Runnable then = switch (reply) {
              case OK -> () -> run.leaseConfirmed(sent);
              case STALE, CANCELLED, NOT_FOUND -> () -> run.abort("renew answered " + reply);
              case DUP, OUT_OF_ORDER, EXISTS, FINISHED, RETRYING, FAILED, DUPLICATE, CONFLICT, WRONG_STATUS, RATE_LIMITED, QUOTA_EXCEEDED ->
                  () -> run.abort("unexpected renew reply " + reply);
            };
            then.run();
          }
        })
        .onFailure(e -> LOG.log(System.Logger.Level.WARNING, workerId + ": lease renewal failed: " + e.getMessage()));
  }

  /** Tasks this worker runs now (for tests and the heartbeat). */
  public int runningCount() { return running.size(); }

  // ---- WorkerContext ----
  @Override public Vertx vertx() { return vertx; }
  @Override public TaskStore store() { return store; }
  @Override public CommitBatcher commits() { return commits; }
  @Override public String workerId() { return workerId; }
  @Override public WorkerSettings settings() { return settings; }
  @Override public Backoff backoff() { return backoff; }
  @Override public boolean draining() { return draining; }
  @Override public NodeContext.Services services() { return services; }
}
