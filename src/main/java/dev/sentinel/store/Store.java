package dev.sentinel.store;

import dev.sentinel.metrics.SentinelMetrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * Sentinel's state in Redis, split by caller: the lease protocol the workers speak, the
 * commands and queries of the API, the watcher's sweeps, and the cost ledger's scripts. Each
 * part offers operations; none hands out the client, the key names or the scripts.
 */
public final class Store {

  private final StoreCore core;
  private final LeaseProtocol leases;
  private final TaskCommands commands;
  private final TaskQueries queries;
  private final Sweeps sweeps;
  private final LedgerScripts ledger;
  private final AgentDefinitions agentDefinitions;

  private Store(StoreCore core) {
    this.core = core;
    this.leases = new LeaseProtocol(core);
    this.commands = new TaskCommands(core);
    this.queries = new TaskQueries(core);
    this.sweeps = new Sweeps(core);
    this.ledger = new LedgerScripts(core);
    this.agentDefinitions = new AgentDefinitions(core);
  }

  /** A store whose calls are measured by no one (tools, tests, start-up checks). */
  public static Store open(Redis redis, Keys keys) {
    return open(redis, keys, SentinelMetrics.none());
  }

  /** A store whose script calls, lease replies and refusals are counted in {@code metrics}. */
  public static Store open(Redis redis, Keys keys, SentinelMetrics metrics) {
    return new Store(StoreCore.of(redis, keys, metrics));
  }

  public LeaseProtocol leases() { return leases; }
  public TaskCommands commands() { return commands; }
  public TaskQueries queries() { return queries; }
  public Sweeps sweeps() { return sweeps; }
  public LedgerScripts ledger() { return ledger; }
  public AgentDefinitions agentDefinitions() { return agentDefinitions; }

  /** Loads every script; called at start-up so the first real call already hits the cache. */
  public Future<Void> loadScripts() {
    return core.runner().loadAll(core.scripts());
  }

  /** A node refused to start: the Redis it was given holds data it must not touch. */
  public static final class LayoutMismatch extends IllegalStateException {
    LayoutMismatch(String message) { super(message); }
  }

  /** Keys only the 0.2.0 layout wrote (every task was in index:all; the ring was queue:tenants). */
  private static final List<String> LAYOUT_1_MARKERS = List.of("index:all", "queue:tenants", "queue:delayed", "index:finished");

  /**
   * Checks that Redis holds this code's key layout, or nothing yet (then marks it). Layout 2 (this
   * layout with money in micro-USD) is migrated in place ({@link MoneyMigration}). Tasks of the
   * 0.2.0 layout are not migrated: the node refuses to start (with {@link LayoutMismatch}) and
   * says how to proceed, rather than run on data its scripts would misread.
   */
  public Future<Void> checkLayout() {
    Keys keys = core.keys();
    Request markers = Request.cmd(Command.EXISTS);
    LAYOUT_1_MARKERS.forEach(k -> markers.arg(keys.prefix() + k));
    return core.redis().batch(List.of(Request.cmd(Command.GET).arg(keys.layout()), markers)).compose(r -> {
      Response layout = r.get(0);
      if (layout != null && "2".equals(layout.toString())) {
        // layout 2 differs only in its money unit: convert it, then mark the new layout
        return new MoneyMigration(core).run()
            .compose(n -> core.send(Request.cmd(Command.SET).arg(keys.layout()).arg(Keys.LAYOUT_VERSION)))
            .mapEmpty();
      }
      if (layout != null) {
        return Keys.LAYOUT_VERSION.equals(layout.toString()) ? Future.succeededFuture()
            : Future.failedFuture(new LayoutMismatch("Redis holds Sentinel key layout " + layout + " under prefix '"
                + keys.prefix() + "'; this build reads layout " + Keys.LAYOUT_VERSION + ". Run the build that wrote it."));
      }
      if (r.get(1).toLong() > 0) {
        return Future.failedFuture(new LayoutMismatch("Redis holds tasks of Sentinel 0.2.0's key layout under prefix '"
            + keys.prefix() + "', which this build does not read (see README, 'Upgrading from 0.2.0'). Either let the "
            + "0.2.0 nodes finish their tasks and remove that data (redis-cli --scan --pattern '" + keys.prefix()
            + "*' | xargs redis-cli del), or point this build at another Redis database or another key_prefix "
            + "(SENTINEL_KEY_PREFIX) and run both side by side until the old one has drained."));
      }
      return core.send(Request.cmd(Command.SET).arg(keys.layout()).arg(Keys.LAYOUT_VERSION).arg("NX")).mapEmpty();
    });
  }
}
