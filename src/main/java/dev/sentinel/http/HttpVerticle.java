package dev.sentinel.http;

import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.store.Keys;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.Scripts;
import dev.sentinel.store.TaskStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.redis.client.Redis;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** The REST API. Routes read as a table of contents; all errors become problem+json here. */
public final class HttpVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());

  private final SentinelConfig config;
  private final AgentRegistry agents;
  private Redis redis;
  private HttpServer server;

  public HttpVerticle(SentinelConfig config, AgentRegistry agents) {
    this.config = config;
    this.agents = agents;
  }

  @Override public Future<?> start() {
    redis = RedisClients.create(vertx, config.redis(), "sentinel-http");
    TaskStore store = new TaskStore(redis, new Keys(config.keyPrefix()), Scripts.load());
    TaskHandlers tasks = new TaskHandlers(vertx, store, agents, config.tasks().defaultMaxAttempts());

    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    router.post("/tasks").handler(tasks::submit);
    router.get("/tasks/:id").handler(tasks::get);
    router.delete("/tasks/:id").handler(tasks::cancel);
    router.get("/tasks/:id/steps").handler(tasks::steps);
    router.get("/health").handler(tasks::health);
    router.route().failureHandler(this::renderFailure);
    router.route().last().handler(rc -> Problem.of(404, "Not found", "no such endpoint: " + rc.request().method()
        + " " + rc.request().path()).send(rc));

    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> server = s);
  }

  public int port() { return server == null ? -1 : server.actualPort(); }

  @Override public Future<?> stop() {
    return redis.close();
  }

  /** The one mapping from failures to problem+json. Nothing here ever shows a stack trace. */
  private void renderFailure(RoutingContext rc) {
    Throwable f = rc.failure();
    if (f instanceof ProblemException pe) {
      pe.problem().send(rc);
    } else if (f instanceof HttpException he && he.getStatusCode() == 413) {
      Problem.of(413, "Payload too large", "the request body is over " + config.http().maxBodyBytes() + " bytes").send(rc);
    } else if (f instanceof HttpException he) {
      Problem.of(he.getStatusCode(), "Request failed", he.getPayload() == null ? "request failed" : he.getPayload()).send(rc);
    } else if (f == null && rc.statusCode() >= 400) {
      Problem.of(rc.statusCode(), "Request failed", "request failed").send(rc);
    } else if (isRedisUnavailable(f)) {
      rc.response().putHeader("Retry-After", "1");
      Problem.of(503, "Service unavailable", "the task store (Redis) is not reachable; retry shortly").send(rc);
    } else {
      LOG.log(System.Logger.Level.ERROR, "unhandled failure on " + rc.request().method() + " " + rc.request().path(), f);
      Problem.of(500, "Internal error", "the server failed to handle this request").send(rc);
    }
  }

  private static boolean isRedisUnavailable(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof ConnectException) return true;
      String name = t.getClass().getName();
      String msg = String.valueOf(t.getMessage());
      if (name.contains("ConnectionPoolTooBusy") || msg.contains("Connection is closed")
          || msg.contains("Connection refused") || msg.startsWith("LOADING") || msg.contains("Timeout")) return true;
    }
    return false;
  }
}
