package dev.sentinel.http;

import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.agent.PinnedGraphs;
import dev.sentinel.auth.ApiKeyRecord;
import dev.sentinel.auth.ApiKeys;
import dev.sentinel.config.SentinelConfig.ConfiguredKey;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.cost.TenantCosts;
import dev.sentinel.limits.RateLimitSettings;
import dev.sentinel.limits.TenantLimits;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.store.Keys;
import dev.sentinel.store.RedisClients;
import dev.sentinel.store.Store;
import dev.sentinel.store.TaskQueries;
import dev.sentinel.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.redis.client.Redis;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The REST API, built from openapi.yaml: every operation of the contract is bound to a handler
 * by its operationId, and every request is validated against the contract before it runs.
 * The bindings below read as the API's table of contents.
 */
public final class HttpVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());
  /** Paths anyone may call: probes and the API's own description. */
  static final Set<String> PUBLIC = Set.of("/health", "/ready", "/openapi.yaml", "/openapi.json", "/docs", "/redoc");

  private final SentinelConfig config;
  private final AgentRegistry agents;
  private final Tracing tracing;
  private final SentinelMetrics metrics;
  private Redis redis;
  private HttpServer server;

  /** An API whose meters are its own (nobody else records into them): tests that build it alone. */
  public HttpVerticle(SentinelConfig config, AgentRegistry agents) {
    this(config, agents, Tracing.off(), SentinelMetrics.create(SentinelMetrics.prometheusRegistry(), config.metrics()));
  }

  public HttpVerticle(SentinelConfig config, AgentRegistry agents, Tracing tracing, SentinelMetrics metrics) {
    this.config = config;
    this.agents = agents;
    this.tracing = tracing;
    this.metrics = metrics;
  }

  @Override public Future<?> start() {
    redis = RedisClients.create(vertx, config.redis(), "sentinel-http");
    Keys keys = new Keys(config.keyPrefix());
    Store store = Store.open(redis, keys, metrics);
    ApiKeys apiKeys = new ApiKeys(redis, keys, configuredKeys());
    try {
      checkExposure(apiKeys);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    ApiContract contract = ApiContract.fromClasspath();
    return contract.load(vertx)
        .map(c -> router(c, contract, store, apiKeys, keys))
        // no h2c upgrade: a large static response (the docs' JS) stalled after an Upgrade: h2c
        // request from the JDK client; TLS/ALPN HTTP/2 belongs to the proxy in front
        .compose(router -> vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .requestHandler(router).listen(config.http().port(), config.http().host()))
        .onSuccess(s -> {
          server = s;
          LOG.log(System.Logger.Level.INFO, "HTTP API listening on http://" + config.http().host() + ":" + s.actualPort()
              + " (API reference at /docs)" + (apiKeys.enabled() ? "" : ", no API keys configured: open on loopback"));
        });
  }

  private Router router(OpenAPIContract c, ApiContract contract, Store store, ApiKeys apiKeys, Keys keys) {
    PinnedGraphs pinned = new PinnedGraphs(agents, store.agentDefinitions());
    TaskHandlers tasks = new TaskHandlers(vertx, store.commands(), store.queries(), new CostLedger(store.ledger()), agents,
        pinned, config.tasks(), config.limits(), config.watcher().retentionMs(), tracing.tasks(), metrics.tasks());
    TimeTravelHandlers timeTravel = new TimeTravelHandlers(vertx, store.commands(), store.queries(), agents, pinned,
        config.limits(), TaskHandlers.idempotencyTtlMs(config.watcher().retentionMs()), metrics.tasks(), tracing.tasks());
    TaskEventsHandler events = new TaskEventsHandler(vertx, store.queries());
    TaskInputHandler input = new TaskInputHandler(vertx, store.commands(), store.queries(), pinned);
    OperationsHandlers ops = new OperationsHandlers(redis, store.queries(), 2 * config.worker().leaseMs(), metrics);
    TenantHandlers tenants = new TenantHandlers(new TenantCosts(redis, keys), new RateLimitSettings(redis, keys, config.limits()),
        new TenantLimits(redis, keys, config.agents().tenantDailyBudgetNanos(), config.limits()), store.commands());
    AdminHandlers admin = new AdminHandlers(apiKeys);
    AuthHandler auth = new AuthHandler(apiKeys);

    RouterBuilder rb = RouterBuilder.create(vertx, new ValidatorCachingContract(c),
        new LiteralStringParameters(RequestExtractor.withBodyHandler()));
    // odd inputs refused first, then the body (size limit -> 413), then who is calling, then
    // the contract's validation
    rb.rootHandler(new RequestGuard());
    rb.rootHandler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    rb.rootHandler(rc -> {
      if (isPublic(rc.request().path())) rc.next();
      else auth.handle(rc);
    });
    bind(rb, "submitTask").addHandler(tasks::submit);
    bind(rb, "listTasks").addHandler(tasks::list);
    bind(rb, "getTask").addHandler(tasks::get);
    bind(rb, "cancelTask").addHandler(tasks::cancel);
    bind(rb, "getTaskSteps").addHandler(tasks::steps);
    bind(rb, "getTaskCheckpoint").addHandler(timeTravel::checkpoint);
    bind(rb, "listTaskCheckpoints").addHandler(timeTravel::checkpoints);
    bind(rb, "replayTask").addHandler(timeTravel::replay);
    bind(rb, "streamTaskEvents").addHandler(events::stream);
    bind(rb, "retryTask").addHandler(tasks::retry);
    bind(rb, "provideTaskInput").addHandler(input::provide);
    bind(rb, "getTaskCalls").addHandler(tasks::calls);
    bind(rb, "getStats").addHandler(ops::stats);
    bind(rb, "listWorkers").addHandler(ops::workers);
    AgentHandlers agentViews = new AgentHandlers(agents, store.agentDefinitions());
    bind(rb, "listAgents").addHandler(agentViews::list);
    bind(rb, "getAgentVersion").addHandler(agentViews::version);
    bind(rb, "health").addHandler(ops::health);
    bind(rb, "ready").addHandler(ops::ready);
    bind(rb, "getMetrics").addHandler(ops::metrics);
    bind(rb, "getTenantCosts").addHandler(tenants::costs);
    bind(rb, "getRateLimit").addHandler(tenants::getRateLimit);
    bind(rb, "setRateLimit").addHandler(tenants::setRateLimit);
    bind(rb, "deleteRateLimit").addHandler(tenants::deleteRateLimit);
    bind(rb, "getTenantLimits").addHandler(tenants::getLimits);
    bind(rb, "putTenantLimits").addHandler(tenants::putLimits);
    bind(rb, "createApiKey").addHandler(admin::create);
    bind(rb, "listApiKeys").addHandler(admin::list);
    bind(rb, "deleteApiKey").addHandler(admin::revoke);

    Router router = rb.createRouter();
    router.get("/openapi.yaml").handler(rc -> rc.response().putHeader("content-type", "application/yaml").end(contract.yaml()));
    String contractJson = contract.json();
    router.get("/openapi.json").handler(rc -> rc.response().putHeader("content-type", "application/json").end(contractJson));
    DocsHandler.mount(router);
    DashboardHandler.mount(router, DocsHandler.buildProperties().getProperty("uplot_version", "1.6.30"),
        DocsHandler.buildProperties().getProperty("dagre_version", "0.8.4"));
    FailureRenderer failures = new FailureRenderer(config.http().maxBodyBytes());
    router.route().failureHandler(failures);
    router.errorHandler(400, failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.route().last().handler(rc -> Problem.of(404, "Not found", "no such endpoint: " + rc.request().method()
        + " " + rc.request().path()).send(rc));
    return router;
  }

  private static boolean isPublic(String path) {
    return PUBLIC.contains(path) || path.startsWith("/docs/") || path.startsWith("/redoc/") || DashboardHandler.serves(path);
  }

  /** Auth is our AuthHandler, in front of every route; the contract's security is documentation. */
  private static OpenAPIRoute bind(RouterBuilder rb, String operationId) {
    OpenAPIRoute route = rb.getRoute(operationId);
    if (route == null) throw new IllegalStateException("openapi.yaml has no operation " + operationId);
    return route.setDoSecurity(false);
  }

  private Map<String, ApiKeyRecord> configuredKeys() {
    Map<String, ApiKeyRecord> out = new HashMap<>();
    for (ConfiguredKey k : config.auth().keys()) {
      out.put(k.sha256(), new ApiKeyRecord(ApiKeys.keyId(k.sha256()), k.tenantId(), k.admin(), "configured", 0));
    }
    return out;
  }

  /** Without keys, only loopback; an explicit setting allows more, behind an authenticating gateway. */
  private void checkExposure(ApiKeys apiKeys) {
    if (apiKeys.enabled() || isLoopback(config.http().host())) return;
    if (!config.auth().allowUnauthenticated()) {
      throw new IllegalStateException("refusing to serve the API on " + config.http().host()
          + " without API keys: set SENTINEL_ADMIN_KEY (or auth.keys), or auth.allow_unauthenticated: true"
          + " when a gateway in front of Sentinel authenticates callers");
    }
    LOG.log(System.Logger.Level.WARNING, "the API listens on " + config.http().host()
        + " WITHOUT authentication (auth.allow_unauthenticated): only safe behind an authenticating gateway");
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public int port() { return server == null ? -1 : server.actualPort(); }

  @Override public Future<?> stop() {
    return redis.close();
  }
}
