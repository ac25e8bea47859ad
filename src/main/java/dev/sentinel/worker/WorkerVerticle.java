package dev.sentinel.worker;

import dev.sentinel.agent.AgentGraph;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.NodeServices;
import dev.sentinel.agent.PinnedGraphs;
import dev.sentinel.config.SentinelConfig.WorkerSettings;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.cost.BudgetGuard;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.llm.ModelRateLimiter;
import dev.sentinel.metrics.EventLoopDelayProbe;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.metrics.TaskMetrics;
import dev.sentinel.signal.Signals;
import dev.sentinel.signal.TokenPublisher;
import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.CommitBatcher;
import dev.sentinel.store.Keys;
import dev.sentinel.store.LeaseProtocol.Held;
import dev.sentinel.store.LeaseProtocol;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.Replies.RenewReply;
import dev.sentinel.store.Store;
import dev.sentinel.tracing.TaskSpans;
import dev.sentinel.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Claims tasks and runs up to {@code worker.concurrency} of them at once. It wakes on a local
 * signal (a submit in this JVM), on a Redis signal relayed by the bridge (a submit anywhere),
 * when one of its runs ends, and on a slow poll; it never busy-polls. Every {@code lease/3} it
 * renews all its leases in one call, which also writes its heartbeat. A claim whose answer is
 * lost (Redis restarting, the connection dropped) is sent again with the same claim id base:
 * claim.lua answers with what the first call granted, so those tasks run now instead of
 * waiting out a lease and losing an attempt.
 */
public final class WorkerVerticle extends VerticleBase implements WorkerContext {

  private static final System.Logger LOG = System.getLogger(WorkerVerticle.class.getName());

  /** How soon a claim whose answer was lost is asked again. */
  private static final long CLAIM_RETRY_MS = 200;

  private final SentinelConfig config;
  private final WorkerSettings settings;
  private final AgentRegistry agents;
  private final String workerId;
  private final Backoff backoff;
  private final SentinelMetrics metrics;
  private final Map<String, TaskRun> running = new LinkedHashMap<>();
  private final TaskSpans spans;
  private EventLoopDelayProbe loopProbe;

  private Redis redis;
  private LeaseProtocol leases;
  private CommitBatcher commits;
  private NodeServices services;
  private boolean claiming;
  /** Granted tasks whose pinned graph is being read from Redis: they hold a slot too. */
  private int starting;
  private PinnedGraphs graphs;
  /** Completes once the claim in flight is answered and its tasks are started (or handed back). */
  private Promise<Void> claimAnswered;
  /** Writes sent outside any run (hand-backs of tasks claimed while stopping, failures of unknown agents): stop() waits for them. */
  private final Set<Future<?>> looseWrites = new HashSet<>();
  private boolean wakeAgain;
  private boolean draining;
  /** The claim id base of a claim whose answer was lost: the next claim repeats it. */
  private String unansweredClaimBase;
  private long pollTimer = -1;
  private long renewTimer = -1;
  private final long startedAt = System.currentTimeMillis();

  /** A worker whose meters are nobody's (tests that build workers alone). */
  public WorkerVerticle(SentinelConfig config, AgentRegistry agents, String workerId) {
    this(config, agents, workerId, Tracing.off(), SentinelMetrics.none());
  }

  public WorkerVerticle(SentinelConfig config, AgentRegistry agents, String workerId, Tracing tracing,
                        SentinelMetrics metrics) {
    this.spans = tracing.tasks();
    this.config = config;
    this.metrics = metrics;
    this.settings = config.worker();
    this.agents = agents;
    this.workerId = workerId;
    this.backoff = new Backoff(settings.backoffBaseMs(), settings.backoffMaxMs(), new SplittableRandom());
  }

  @Override public Future<?> start() {
    redis = RedisClients.create(vertx, config.redis(), "sentinel-worker");
    Store store = Store.open(redis, new Keys(config.keyPrefix()), metrics);
    leases = store.leases();
    commits = new CommitBatcher(leases, context, workerId, settings.leaseMs());
    graphs = new PinnedGraphs(agents, store.agentDefinitions());
    services = NodeServices.of(new CostLedger(store.ledger()),
        new BudgetGuard(store.ledger(), config.agents().tenantDailyBudgetNanos()),
        new ModelRateLimiter(store.ledger(), config.llm(), config.limits()), metrics.llm(),
        leases,    // wait nodes read their task's wait record through it
        new TokenPublisher(redis, new Keys(config.keyPrefix())));   // streamed llm nodes publish their tokens through it
    // each worker verticle has an event loop of its own: a node that blocks it delays every task there
    loopProbe = new EventLoopDelayProbe(vertx, metrics.registry()).start();
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
    // a claim in flight may have leased tasks in Redis already: wait for its answer, so they are
    // handed back now (startRun sees draining) instead of staying leased until their lease expires
    Future<Void> lastClaim = claiming ? claimAnswered.future() : Future.succeededFuture();
    Promise<Void> drained = Promise.promise();
    lastClaim.onComplete(c -> {
      List<Future<?>> pending = new ArrayList<>(looseWrites);
      running.values().forEach(r -> pending.add(r.done()));
      Future.join(pending).onComplete(ar -> drained.tryComplete());
    });
    long drainTimer = vertx.setTimer(Math.max(1, settings.drainMs()), t -> {
      List<TaskRun> left = new ArrayList<>(running.values());
      if (!left.isEmpty()) LOG.log(System.Logger.Level.INFO, workerId + ": drain time over, handing back " + left.size() + " task(s)");
      left.forEach(TaskRun::handBackNow);
    });
    return drained.future()
        .onComplete(ar -> {
          vertx.cancelTimer(drainTimer);
          vertx.cancelTimer(renewTimer);
          loopProbe.stop();
        })
        .eventually(() -> redis.close());
  }

  private void wake() {
    if (draining) return;
    if (claiming) {
      wakeAgain = true;
      return;
    }
    int free = settings.concurrency() - running.size() - starting;
    if (free <= 0) return;
    claiming = true;
    Promise<Void> answered = Promise.promise();
    claimAnswered = answered;
    wakeAgain = false;
    long sent = System.nanoTime();
    boolean repeat = unansweredClaimBase != null;
    String claimBase = repeat ? unansweredClaimBase
        : workerId + ":" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    leases.claim(workerId, settings.leaseMs(), claimBase, free, config.limits().maxRunning(), repeat).onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, workerId + ": claim failed: " + ar.cause().getMessage());
        // it may have granted tasks whose answer we never saw: ask again with the same base, soon
        unansweredClaimBase = claimBase;
        vertx.setTimer(CLAIM_RETRY_MS, t -> wake());
        answered.complete();
        return;
      }
      unansweredClaimBase = null;
      for (ClaimedTask task : ar.result()) startRun(task, sent);
      answered.complete();
      if (ar.result().size() == free || wakeAgain) wake();
    });
  }

  /**
   * Runs a granted task on the graph version it is pinned to: this worker's own graph when the
   * versions agree (answered at once), else the kept one from Redis (one GET, then cached). While
   * that read is out the task holds a slot ({@code starting}) and stop() waits for it.
   */
  private void startRun(ClaimedTask task, long claimSentNanos) {
    if (draining) {   // claimed just as shutdown began
      track(leases.release(task.id(), task.lease(), workerId));
      return;
    }
    Future<AgentGraph> graph = graphs.graphFor(task.agentType(), task.params(), task.agentVersion());
    if (graph.isComplete()) {
      begin(task, graph, claimSentNanos);
      return;
    }
    starting++;
    track(graph.transform(ar -> {
      starting--;
      return begin(task, graph, claimSentNanos);
    }));
  }

  /** @return the hand-off write when the task does not run here (stop() waits for it), else a done future */
  private Future<?> begin(ClaimedTask task, Future<AgentGraph> graph, long claimSentNanos) {
    if (graph.failed()) {
      // counted as an attempt and retried with backoff: another node of a rolling deploy may have
      // what this one lacks; once attempts run out the task fails with this message
      return track(leases.fail(task.id(), task.lease(), graph.cause().getMessage() + " (worker " + workerId + ")",
          backoff.delayMs(task.attempts() + 1), workerId));
    }
    if (draining) return track(leases.release(task.id(), task.lease(), workerId));
    TaskRun run = new TaskRun(task, graph.result(), agents.kinds(), this, claimSentNanos);
    running.put(task.id(), run);
    run.done().onComplete(ar -> {
      running.remove(task.id());
      wake();
    });
    run.start();
    return Future.succeededFuture();
  }

  private <T> Future<T> track(Future<T> write) {
    looseWrites.add(write);
    write.onComplete(ar -> looseWrites.remove(write));
    return write;
  }

  private void renew() {
    List<TaskRun> runs = new ArrayList<>(running.values());
    List<Held> held = runs.stream().map(r -> new Held(r.taskId(), r.lease())).toList();
    JsonObject heartbeat = new JsonObject()
        .put("worker_id", workerId)
        .put("tasks", new JsonArray(held.stream().map(Held::taskId).toList()))
        .put("concurrency", settings.concurrency())
        .put("started_at", Instant.ofEpochMilli(startedAt).toString())
        .put("draining", draining);
    long sent = System.nanoTime();
    leases.renew(workerId, settings.leaseMs(), settings.leaseMs(), heartbeat, held)
        .onSuccess(r -> {
          for (int i = 0; i < runs.size(); i++) {
            RenewReply reply = r.replies().get(i);
            TaskRun run = runs.get(i);
            Runnable then = switch (reply) {
              case OK -> () -> run.leaseConfirmed(sent);
              case FINISHED -> () -> { };   // its final commit landed meanwhile: the run is ending anyway
              case STALE, CANCELLED, NOT_FOUND -> () -> run.abort("renew answered " + reply);
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
  @Override public LeaseProtocol leases() { return leases; }
  @Override public CommitBatcher commits() { return commits; }
  @Override public String workerId() { return workerId; }
  @Override public WorkerSettings settings() { return settings; }
  @Override public Backoff backoff() { return backoff; }
  @Override public boolean draining() { return draining; }
  @Override public NodeServices services() { return services; }
  @Override public TaskSpans spans() { return spans; }
  @Override public TaskMetrics metrics() { return metrics.tasks(); }
}
