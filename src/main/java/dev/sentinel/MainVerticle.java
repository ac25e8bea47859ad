package dev.sentinel;

import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.config.ConfigLoader;
import dev.sentinel.config.Role;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.http.HttpVerticle;
import dev.sentinel.metrics.ManagementVerticle;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.observability.LogSetup;
import dev.sentinel.signal.RedisSignalBridge;
import dev.sentinel.store.EmbeddedRedis;
import dev.sentinel.store.Keys;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.RetryUntil;
import dev.sentinel.store.Store;
import dev.sentinel.tracing.Tracing;
import dev.sentinel.watcher.WatcherVerticle;
import dev.sentinel.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root: reads the configuration, starts the embedded Redis when no Redis is
 * configured, loads the Lua scripts, then deploys the verticles of this node's roles.
 * Its config() carries the command line: {"conf_file": ..., "roles": ...}.
 */
public final class MainVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(MainVerticle.class.getName());

  private final MeterRegistry registry;
  private EmbeddedRedis embedded;
  private final String node = nodeId();
  /** Off until start() reads the OTEL_* variables. */
  private Tracing tracing = Tracing.off();
  /** The management server's own small client: its /health must not wait behind the workers' traffic. */
  private Redis healthRedis;

  /** @param registry where every meter of this node goes; the launcher's holds Vert.x's and the JVM's meters too */
  public MainVerticle(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Deployed by class name (no launcher hook): the node's meters get a registry of their own. */
  public MainVerticle() {
    this(SentinelMetrics.prometheusRegistry());
  }

  @Override public Future<?> start() {
    JsonObject cli = config();
    return ConfigLoader.load(vertx, cli.getString("conf_file"), cli.getString("roles"))
        .map(this::useLogFormat)
        .compose(cfg -> startTracing().map(cfg))
        .compose(this::connectRedis)
        .compose(cfg -> loadScripts(cfg).map(cfg))
        // reading agent definitions and prices is file I/O: off the event loop
        .compose(cfg -> vertx.executeBlocking(() -> AgentCatalog.load(vertx, cfg)).compose(agents -> deployRoles(cfg, agents)));
  }

  /** Runs after every child verticle was undeployed (workers have handed their tasks back). */
  @Override public Future<?> stop() {
    if (healthRedis != null) healthRedis.close();
    // the hand-backs of the undeployed workers ended spans: send them before the JVM goes
    Future<Void> spansSent = vertx.executeBlocking(() -> {
      tracing.close();
      return null;
    });
    if (embedded == null) return spansSent;
    return spansSent.eventually(() -> vertx.executeBlocking(() -> {
      embedded.stop();
      LOG.log(System.Logger.Level.INFO, "embedded Redis stopped");
      return null;
    }));
  }

  private SentinelConfig useLogFormat(SentinelConfig cfg) {
    LogSetup.use(cfg.log().format());
    return cfg;
  }

  /** Builds the tracer from the OTEL_* variables (off unless they ask): the SDK starts threads, so off the event loop. */
  private Future<Void> startTracing() {
    return vertx.executeBlocking(() -> Tracing.fromEnvironment(System.getenv(), node)).map(t -> {
      tracing = t;
      if (t.enabled()) LOG.log(System.Logger.Level.INFO, "tracing on: spans are exported as the OTEL_* variables say");
      return null;
    });
  }

  private Future<SentinelConfig> connectRedis(SentinelConfig cfg) {
    if (!cfg.redis().embedded()) {
      LOG.log(System.Logger.Level.INFO, "using Redis " + redacted(cfg));
      return Future.succeededFuture(cfg);
    }
    // Blocking (process start, waits for "ready"): off the event loop.
    return vertx.executeBlocking(() -> EmbeddedRedis.start(cfg.dataDir(), cfg.redis().embeddedAppendfsync()))
        .map(e -> {
          embedded = e;
          LOG.log(System.Logger.Level.INFO, "no Redis configured (SENTINEL_REDIS_URL): started the embedded Redis on "
              + e.url() + ", AOF (appendfsync " + cfg.redis().embeddedAppendfsync() + ") in " + e.dir()
              + " - for trying Sentinel out, not for production");
          return cfg.withRedis(cfg.redis().withUrl(e.url()));
        });
  }

  /**
   * How long a starting node waits for Redis (down, restarting, still loading its AOF) before it
   * gives up. A node restarted by a supervisor while Redis is briefly away must come up once
   * Redis does, not fail; one that never sees Redis must exit (non-zero), not idle.
   */
  static final long STARTUP_REDIS_WAIT_MS = 60_000;

  /**
   * Waits for Redis, loads the scripts and checks the key layout (a Redis holding another
   * layout's tasks stops the node, with what to do, rather than being misread).
   */
  private Future<Void> loadScripts(SentinelConfig cfg) {
    Redis redis = RedisClients.create(vertx, cfg.redis(), "sentinel-setup");
    Store store = Store.open(redis, new Keys(cfg.keyPrefix()));
    return RetryUntil.forMs(vertx, STARTUP_REDIS_WAIT_MS, 100, 2_000).<Void>run(store::loadScripts, (failed, e) -> {
          if (failed % 10 == 0) LOG.log(System.Logger.Level.WARNING, "waiting for Redis (" + e.getMessage() + ")");
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("Redis did not answer within "
            + STARTUP_REDIS_WAIT_MS / 1000 + " s: " + e.getMessage(), e)))
        .compose(v -> store.checkLayout())
        .eventually(redis::close);
  }

  private Future<Void> deployRoles(SentinelConfig cfg, AgentRegistry agents) {
    SentinelMetrics metrics = SentinelMetrics.create(registry, cfg.metrics());
    List<Future<?>> deployments = new ArrayList<>();
    if (cfg.metrics().managementServer()) deployments.add(deployManagement(cfg, metrics));
    // workers wake on its signals; the API relays the streamed tokens it carries to event streams
    if (cfg.roles().contains(Role.WORKER) || cfg.roles().contains(Role.API)) {
      deployments.add(vertx.deployVerticle(new RedisSignalBridge(cfg.redis(), new Keys(cfg.keyPrefix()))));
    }
    if (cfg.roles().contains(Role.WORKER)) {
      AtomicInteger n = new AtomicInteger();
      deployments.add(vertx.deployVerticle(() -> new WorkerVerticle(cfg, agents, node + "-w" + n.incrementAndGet(), tracing, metrics),
          new DeploymentOptions().setInstances(cfg.worker().instances())));
    }
    if (cfg.roles().contains(Role.WATCHER)) {
      deployments.add(vertx.deployVerticle(new WatcherVerticle(cfg, metrics)));
    }
    if (cfg.roles().contains(Role.API)) {
      deployments.add(vertx.deployVerticle(() -> new HttpVerticle(cfg, agents, tracing, metrics),
          new DeploymentOptions().setInstances(cfg.http().instances())));
    }
    return Future.all(deployments).onSuccess(v -> {
      StringBuilder up = new StringBuilder("Sentinel node " + node + " up: roles " + cfg.roles());
      if (cfg.roles().contains(Role.API)) up.append(", HTTP API on http://").append(cfg.http().host()).append(':').append(cfg.http().port());
      if (cfg.roles().contains(Role.WORKER)) up.append(", ").append(cfg.worker().instances()).append(" worker(s) x ")
          .append(cfg.worker().concurrency()).append(" tasks, lease ").append(cfg.worker().leaseMs()).append(" ms");
      LOG.log(System.Logger.Level.INFO, up.toString());
    }).mapEmpty();
  }

  /** /metrics and /health on the management port, whatever the roles (a worker-only node too). */
  private Future<String> deployManagement(SentinelConfig cfg, SentinelMetrics metrics) {
    healthRedis = RedisClients.create(vertx, cfg.redis().withPoolSize(2), "sentinel-management");
    Store store = Store.open(healthRedis, new Keys(cfg.keyPrefix()));
    return vertx.deployVerticle(new ManagementVerticle(cfg.metrics(), metrics,
        () -> store.queries().ping().timeout(1, TimeUnit.SECONDS)));
  }

  /** Unique per process, also across restarts in containers where the pid is always 1. */
  private static String nodeId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "node");
    return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(4);
  }

  private static String redacted(SentinelConfig cfg) {
    String url = "sentinel".equals(cfg.redis().type()) ? String.join(",", cfg.redis().sentinels()) : cfg.redis().url();
    return url.replaceAll("//[^@/]*@", "//***@");
  }
}
