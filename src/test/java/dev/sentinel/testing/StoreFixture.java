package dev.sentinel.testing;

import dev.sentinel.config.SentinelConfig;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.Keys;
import dev.sentinel.store.LeaseProtocol;
import dev.sentinel.store.LedgerScripts;
import dev.sentinel.store.NewTask;
import dev.sentinel.store.Replies.SubmitReply;
import dev.sentinel.store.StepCommit;
import dev.sentinel.store.Store;
import dev.sentinel.store.Sweeps;
import dev.sentinel.store.TaskCommands;
import dev.sentinel.store.TaskQueries;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link Store} on a real Redis with a key prefix of its own, so tests sharing one Redis
 * never see each other's keys. Blocking helpers for the JUnit thread (never an event loop).
 */
public final class StoreFixture implements AutoCloseable {

  public final Vertx vertx;
  public final Redis redis;
  public final Store store;
  public final LeaseProtocol leases;
  public final TaskCommands commands;
  public final TaskQueries queries;
  public final Sweeps sweeps;
  public final LedgerScripts ledger;
  public final Keys keys;
  /** What the store's calls counted (script latency, refusals, requeues): read it with {@link #scrape()}. */
  public final SentinelMetrics metrics = SentinelMetrics.create(SentinelMetrics.prometheusRegistry(),
      new SentinelConfig.MetricsSettings("127.0.0.1", -1, 20, List.of(), 50, 1000));

  public StoreFixture(Vertx vertx, String redisUrl) {
    this(vertx, redisUrl, "t" + UUID.randomUUID().toString().substring(0, 8) + ":");
  }

  public StoreFixture(Vertx vertx, String redisUrl, String keyPrefix) {
    this.vertx = vertx;
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(16).setMaxPoolWaiting(512));
    this.keys = new Keys(keyPrefix);
    this.store = Store.open(redis, keys, metrics);
    this.leases = store.leases();
    this.commands = store.commands();
    this.queries = store.queries();
    this.sweeps = store.sweeps();
    this.ledger = store.ledger();
    store.loadScripts().await();
    store.checkLayout().await();
  }

  /** A step of a line of nodes step-1, step-2, ... that is not the last: its output is {step: n}. */
  public static StepCommit step(ClaimedTask t, int step) {
    return StepCommit.of(t.id(), t.lease(), step, "step-" + step, "step-" + (step + 1), new JsonObject().put("step", step));
  }

  public PrometheusText scrape() {
    return PrometheusText.parse(metrics.scrape());
  }

  public NewTask task(String tenant, int maxAttempts, int priority, JsonObject params) {
    return new NewTask(UUID.randomUUID().toString(), tenant, "noop", "test", params, maxAttempts, priority, null, null);
  }

  public String submit(String tenant) {
    return submit(task(tenant, 3, 0, new JsonObject().put("steps", 5)));
  }

  public String submit(NewTask t) {
    assertThat(commands.submit(t).await().reply()).isEqualTo(SubmitReply.OK);
    return t.id();
  }

  public List<ClaimedTask> claim(String worker, long leaseMs, int max) {
    return leases.claim(worker, leaseMs, worker + ":" + UUID.randomUUID(), max).await();
  }

  public ClaimedTask claimOne(String worker, long leaseMs) {
    List<ClaimedTask> got = claim(worker, leaseMs, 1);
    assertThat(got).hasSize(1);
    return got.get(0);
  }

  public Map<String, String> meta(String id) {
    Map<String, String> m = new LinkedHashMap<>();
    Response r = cmd(Command.HGETALL, keys.meta(id));
    for (String k : r.getKeys()) m.put(k, r.get(k).toString());
    if (m.isEmpty()) throw new IllegalStateException("no task " + id);
    return m;
  }

  public Response cmd(Command c, Object... args) {
    Request r = Request.cmd(c);
    for (Object a : args) r.arg(a.toString());
    return redis.send(r).await();
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override public void close() {
    redis.close();
  }
}
