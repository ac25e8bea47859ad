package dev.sentinel.watcher;

import dev.sentinel.config.SentinelConfig;
import dev.sentinel.config.SentinelConfig.WatcherSettings;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.store.Keys;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.Store;
import dev.sentinel.store.Sweeps;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;

/**
 * Every interval: takes back tasks whose lease ran out (requeue, or fail once max_attempts is
 * used up), makes tasks whose backoff or run_at is due ready, and removes finished tasks past
 * retention. All decisions happen inside the scripts on the Redis clock, so any number of
 * watchers can run at once (one per node is the default) and none double-requeues.
 * A full batch is followed at once by another pass, so a burst of expiries clears quickly.
 * Retention runs once a minute (or at once while a backlog remains): its precision does not
 * matter, and an idle cluster should send Redis almost nothing.
 * It also refreshes the cluster-wide queue gauges (one read-only call per
 * {@code metrics.queue_refresh_ms}), so that scrapes never reach Redis.
 */
public final class WatcherVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(WatcherVerticle.class.getName());

  private final SentinelConfig config;
  private final WatcherSettings settings;
  private final SentinelMetrics metrics;
  private Redis redis;
  private Sweeps sweeps;
  private long timer = -1;
  private long gaugeTimer = -1;
  private boolean readingQueues;
  /** Tenants whose queues one refresh reports; more share the gauges' "(other)" series anyway. */
  private static final int QUEUE_GAUGE_TENANTS = 1000;
  private static final long RETENTION_EVERY_NANOS = 60_000_000_000L;

  private boolean sweeping;
  private long lastRetention = System.nanoTime() - RETENTION_EVERY_NANOS;
  private boolean retentionBacklog;
  private boolean stopped;

  public WatcherVerticle(SentinelConfig config) {
    this(config, SentinelMetrics.none());
  }

  public WatcherVerticle(SentinelConfig config, SentinelMetrics metrics) {
    this.config = config;
    this.settings = config.watcher();
    this.metrics = metrics;
  }

  @Override public Future<?> start() {
    redis = RedisClients.create(vertx, config.redis(), "sentinel-watcher");
    sweeps = Store.open(redis, new Keys(config.keyPrefix()), metrics).sweeps();
    timer = vertx.setPeriodic(settings.intervalMs(), t -> sweep());
    gaugeTimer = vertx.setPeriodic(config.metrics().queueRefreshMs(), t -> readQueues());
    readQueues();
    return Future.succeededFuture();
  }

  @Override public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(gaugeTimer);
    return redis.close();
  }

  private void readQueues() {
    if (readingQueues || stopped) return;
    readingQueues = true;
    sweeps.queueReading(QUEUE_GAUGE_TENANTS)
        .onSuccess(metrics.queues()::update)
        // the gauges keep their last values; the Redis latency and health show the cause
        .onFailure(e -> LOG.log(System.Logger.Level.DEBUG, "queue gauges not refreshed: " + e.getMessage()))
        .onComplete(ar -> readingQueues = false);
  }

  private boolean retentionDue() {
    return retentionBacklog || System.nanoTime() - lastRetention >= RETENTION_EVERY_NANOS;
  }

  private void sweep() {
    if (sweeping || stopped) return;   // a slow pass (Redis paused) must not pile up behind itself
    sweeping = true;
    int batch = settings.batch();
    sweeps.expireLeases(batch)
        .compose(expired -> {
          if (expired.requeued() + expired.failed() > 0) {
            LOG.log(System.Logger.Level.INFO, "leases expired: " + expired.requeued() + " requeued, "
                + expired.failed() + " failed for good " + expired.taskIds());
          }
          // a full batch of entries looked at (not only of tasks taken back: stale and lagging
          // entries count too) means there may be more: run again at once
          return sweeps.promoteDelayed(batch).map(promoted -> expired.looked() >= batch || promoted.looked() >= batch);
        })
        .compose(more -> retentionDue() ? sweeps.applyRetention(settings.retentionMs(), batch).map(removed -> {
          lastRetention = System.nanoTime();
          retentionBacklog = removed >= batch;
          return more || retentionBacklog;
        }) : Future.succeededFuture(more))
        .onComplete(ar -> {
          sweeping = false;
          if (ar.failed()) {
            LOG.log(System.Logger.Level.WARNING, "watcher pass failed: " + ar.cause().getMessage());
          } else if (ar.result()) {
            vertx.runOnContext(v -> sweep());
          }
        });
  }
}
