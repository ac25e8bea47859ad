package dev.sentinel.testing;

import dev.sentinel.AgentCatalog;
import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.auth.ApiKeys;
import dev.sentinel.config.ConfigLoader;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.http.HttpVerticle;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.signal.RedisSignalBridge;
import dev.sentinel.store.Keys;
import dev.sentinel.watcher.WatcherVerticle;
import dev.sentinel.tracing.Tracing;
import dev.sentinel.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sentinel verticles in this JVM against a test Redis, configured through the real loader:
 * the built-in defaults plus a YAML override. Deploys and undeploys on the caller's thread.
 */
public final class TestNode implements AutoCloseable {

  public final Vertx vertx = Vertx.vertx();
  public final SentinelConfig config;
  /** The node's meters, shared by its workers, watcher and API as MainVerticle shares them. */
  public final SentinelMetrics metrics;
  public final List<WorkerVerticle> workers = new ArrayList<>();
  private String workerDeployment;
  private String watcherDeployment;
  private boolean bridgeDeployed;

  public TestNode(String redisUrl, String keyPrefix, String yamlOverrides) {
    try {
      Path conf = Files.createTempFile("sentinel-test-", ".yaml");
      Files.writeString(conf, "key_prefix: \"" + keyPrefix + "\"\nredis:\n  url: " + redisUrl + "\n" + yamlOverrides);
      config = ConfigLoader.load(vertx, conf.toString(), null).await();
      Files.delete(conf);
      metrics = SentinelMetrics.create(SentinelMetrics.prometheusRegistry(), config.metrics());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** YAML that turns API keys on with one admin key (more keys: POST /admin/api-keys). */
  public static String adminKeyYaml(String adminKey) {
    return "auth:\n  keys:\n    - {sha256: " + ApiKeys.digest(adminKey) + ", admin: true}\n";
  }

  /** One per JVM, as MainVerticle deploys it: a second would relay every signal twice. */
  private void signalBridge() {
    if (bridgeDeployed) return;
    vertx.deployVerticle(new RedisSignalBridge(config.redis(), new Keys(config.keyPrefix()))).await();
    bridgeDeployed = true;
  }

  public TestNode startWorkers(String name) {
    signalBridge();
    AgentRegistry agents = agents();
    AtomicInteger n = new AtomicInteger();
    workerDeployment = vertx.deployVerticle(() -> {
      WorkerVerticle w = new WorkerVerticle(config, agents, name + "-w" + n.incrementAndGet(), Tracing.off(), metrics);
      synchronized (workers) { workers.add(w); }
      return w;
    }, new DeploymentOptions().setInstances(config.worker().instances())).await();
    return this;
  }

  private ContractChecker contract;
  private AgentRegistry agents;

  /** The full catalog, as a real node builds it: noop, the YAML agents, llm/http kinds. */
  public AgentRegistry agents() {
    if (agents == null) agents = AgentCatalog.load(vertx, config);
    return agents;
  }

  /** Every response of every client {@link #startApi()} hands out is checked against openapi.yaml. */
  public ContractChecker contract() {
    if (contract == null) contract = ContractChecker.load(vertx);
    return contract;
  }

  /**
   * Starts the HTTP API on a free port and returns a client for it, whose every response is
   * validated against openapi.yaml; {@link #close()} fails the test if one broke the contract.
   */
  public Http startApi() {
    signalBridge();   // the streamed tokens of tasks reach the API's event streams through it
    List<HttpVerticle> apis = new ArrayList<>();
    vertx.deployVerticle(() -> {
      HttpVerticle h = new HttpVerticle(config, agents(), Tracing.off(), metrics);
      synchronized (apis) { apis.add(h); }
      return h;
    }, new DeploymentOptions().setInstances(1)).await();
    return new Http(apis.get(0).port(), null, contract()::check);
  }

  public TestNode startWatcher() {
    watcherDeployment = vertx.deployVerticle(new WatcherVerticle(config, metrics)).await();
    return this;
  }

  /** Undeploys the workers the way SIGTERM does (drain, hand back). */
  public void stopWorkers() {
    vertx.undeploy(workerDeployment).await();
    workerDeployment = null;
  }

  /** Begins undeploying the workers and returns at once; the future completes when they have stopped. */
  public io.vertx.core.Future<Void> beginStoppingWorkers() {
    io.vertx.core.Future<Void> stopped = vertx.undeploy(workerDeployment);
    workerDeployment = null;
    return stopped;
  }

  public int running() {
    synchronized (workers) {
      return workers.stream().mapToInt(WorkerVerticle::runningCount).sum();
    }
  }

  @Override public void close() {
    List<String> broken = contract == null ? List.of() : contract.violations();
    vertx.close().await();
    if (!broken.isEmpty()) {
      throw new AssertionError(broken.size() + " response(s) broke openapi.yaml:\n" + String.join("\n", broken));
    }
  }
}
