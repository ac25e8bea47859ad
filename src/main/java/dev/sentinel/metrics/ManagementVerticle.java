package dev.sentinel.metrics;

import dev.sentinel.config.SentinelConfig.MetricsSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * The management server every node runs, whatever its roles: {@code GET /metrics} in the
 * Prometheus text format and {@code GET /health}, both without authentication. It carries no
 * task data and changes nothing, so a Prometheus (or a kubelet probe) needs no key; bind it to
 * an address only they reach. A port already taken fails the node's start, naming the setting:
 * a node that silently runs without its metrics is worse than one that does not start.
 */
public final class ManagementVerticle extends VerticleBase {

  /** The exposition format Prometheus asks for first. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final System.Logger LOG = System.getLogger(ManagementVerticle.class.getName());

  private final MetricsSettings settings;
  private final SentinelMetrics metrics;
  private final Supplier<Future<Boolean>> redisUp;
  private HttpServer server;
  private EventLoopDelayProbe probe;

  /** @param redisUp answers whether Redis replied (within its own time limit) */
  public ManagementVerticle(MetricsSettings settings, SentinelMetrics metrics, Supplier<Future<Boolean>> redisUp) {
    this.settings = settings;
    this.metrics = metrics;
    this.redisUp = redisUp;
  }

  @Override public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(rc -> rc.response().putHeader("content-type", PROMETHEUS_TEXT).end(metrics.scrape()));
    router.get("/health").handler(rc -> redisUp.get().otherwise(false).onSuccess(ok -> rc.response()
        .setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json")
        .end(new JsonObject().put("status", ok ? "healthy" : "unhealthy").put("redis_connected", ok)
            .put("timestamp", Instant.now().toString()).encode())));
    probe = new EventLoopDelayProbe(vertx, metrics.registry()).start();
    return vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host())
        .recover(e -> Future.failedFuture(new IllegalStateException("management server cannot listen on " + settings.host()
            + ":" + settings.port() + " (" + e.getMessage() + "): give each node on this machine its own "
            + "SENTINEL_METRICS_PORT (0: a free one), or -1 for none", e)))
        .onSuccess(s -> {
          server = s;
          LOG.log(System.Logger.Level.INFO, "management server on http://" + settings.host() + ":" + s.actualPort()
              + " (/metrics, /health)");
        });
  }

  @Override public Future<?> stop() {
    if (probe != null) probe.stop();
    return Future.succeededFuture();
  }

  /** The port it listens on (the OS's choice when configured as 0), or -1 before it listens. */
  public int port() { return server == null ? -1 : server.actualPort(); }
}
